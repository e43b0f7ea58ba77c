"""handoutgen: structured topic content + brand + translations -> printable patient leaflet PDFs."""

__version__ = "0.1.0"
