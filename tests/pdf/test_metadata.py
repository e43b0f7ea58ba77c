"""pdf/metadata.py: the XMP packet is well-formed XML whatever the leaflet's text holds, and
says what the Info dictionary says."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from pypdf import PdfReader

from handoutgen.pdf.metadata import xmp

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}


def test_untrusted_text_is_escaped_and_characters_xml_cannot_hold_are_left_out():
    info = {
        "title": 'Pain & "fits" <script>alert(1)</script>\x00\x1b[31m',
        "author": "Clinic ]]> <x>",
        "subject": "Subject",
        "keywords": "a, b",
        "creator": "handoutgen",
        "producer": "handoutgen",
    }
    packet = xmp(info, "en", "2000-01-01T00:00:00+00:00")
    tree = ET.fromstring(packet.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])
    title = tree.find(".//dc:title/rdf:Alt/rdf:li", NS)
    assert title is not None and title.text == 'Pain & "fits" <script>alert(1)</script>[31m'
    assert tree.find(".//dc:creator/rdf:Seq/rdf:li", NS).text == "Clinic ]]> <x>"


def test_the_packet_repeats_the_info_dictionary(every_leaflet):
    for tagged, _ in list(every_leaflet.values())[::11]:
        reader = PdfReader(io.BytesIO(tagged.pdf))
        packet = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
        tree = ET.fromstring(packet.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])
        info = reader.metadata
        assert tree.find(".//dc:title/rdf:Alt/rdf:li", NS).text == info.title
        assert tree.find(".//dc:creator/rdf:Seq/rdf:li", NS).text == info.author
        assert tree.find(".//pdf:Producer", NS).text == info.producer
        assert tree.find(".//pdf:Keywords", NS).text == info["/Keywords"]
