"""Theme cascade: default theme + edition + brand overrides -> one resolved Theme."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoutgen.errors import InputError, Problem
from handoutgen.load import load_yaml
from handoutgen.project import Project
from handoutgen.theme import MM, deep_merge, load_theme_layers, resolve_theme

REPO = Path(__file__).resolve().parents[1]
PROJECT = Project(REPO)
ORIGIN = "templates/brands/test/brand.yaml (theme)"


def layers(edition: str = "standard") -> dict:
    return load_theme_layers(PROJECT.themes_dir, PROJECT.edition(edition).theme, root=REPO)[0]


def resolve(override: dict | None = None, edition: str = "standard"):
    return resolve_theme(deep_merge(layers(edition), override or {}), origin=ORIGIN)


def theme_problems(override: dict) -> list[Problem]:
    with pytest.raises(InputError) as exc:
        resolve(override)
    assert all(p.path == ORIGIN for p in exc.value.problems)
    return exc.value.problems


def brand_theme(brand_id: str) -> dict:
    data = load_yaml(PROJECT.brands_dir / brand_id / "brand.yaml", root=REPO).data
    return data.get("theme", {})


# --- deep_merge ----------------------------------------------------------------------------------


def test_deep_merge_merges_mappings_and_replaces_everything_else():
    base = {"a": {"x": 1, "y": {"p": 1, "q": 2}}, "list": [1, 2, 3], "s": "base", "keep": 1}
    override = {"a": {"y": {"q": 20, "r": 30}, "z": 3}, "list": [9], "s": "over", "new": {"n": 1}}
    assert deep_merge(base, override) == {
        "a": {"x": 1, "y": {"p": 1, "q": 20, "r": 30}, "z": 3},
        "list": [9],  # lists replace, they do not append
        "s": "over",
        "keep": 1,
        "new": {"n": 1},
    }


def test_deep_merge_type_changes_replace():
    assert deep_merge({"a": {"x": 1}}, {"a": "flat"}) == {"a": "flat"}
    assert deep_merge({"a": "flat"}, {"a": {"x": 1}}) == {"a": {"x": 1}}


def test_deep_merge_does_not_modify_or_share_its_inputs():
    base = {"a": {"x": [1]}, "b": {"y": 1}}
    override = {"b": {"z": [2]}}
    merged = deep_merge(base, override)
    merged["a"]["x"].append(99)
    merged["b"]["z"].append(99)
    merged["b"]["y"] = 5
    assert base == {"a": {"x": [1]}, "b": {"y": 1}}
    assert override == {"b": {"z": [2]}}


def test_deep_merge_with_empty_override_is_a_copy():
    base = {"a": {"b": 1}}
    merged = deep_merge(base, {})
    assert merged == base
    assert merged is not base
    assert merged["a"] is not base["a"]


# --- the shipped themes ---------------------------------------------------------------------------


def test_default_theme_resolves():
    theme = resolve()
    assert {"a4", "letter", "a5"} <= set(theme.papers)
    assert theme.papers["a4"] == pytest.approx((210 * MM, 297 * MM))
    assert min(theme.margins) >= 12 * MM
    assert {"body", "h2", "title", "list_item", "caption"} <= set(theme.styles)
    body = theme.styles["body"]
    assert (body.family, body.weight, body.size, body.leading) == ("sans", "regular", 12, 17)
    assert body.color == theme.colors["text"]


def test_styles_inherit_from_body_through_parent():
    theme = resolve()
    body, list_item, h2 = (theme.styles[n] for n in ("body", "list_item", "h2"))
    # list_item only sets space_after: everything else comes from body.
    assert (list_item.family, list_item.size, list_item.leading, list_item.color) == (
        body.family,
        body.size,
        body.leading,
        body.color,
    )
    assert list_item.space_after == 3
    # A body change flows to the styles that do not set the value themselves.
    bigger = resolve({"styles": {"body": {"size": 14, "leading": 20}}})
    assert bigger.styles["list_item"].size == 14
    assert bigger.styles["list_item"].leading == 20
    assert bigger.styles["h2"].size == h2.size == 16  # h2 sets its own size


def test_style_with_an_explicit_parent_inherits_from_it():
    theme = resolve({"styles": {"alert": {"parent": "h2", "color": "#aa0000"}}})
    alert, h2 = theme.styles["alert"], theme.styles["h2"]
    assert (alert.weight, alert.size, alert.leading) == (h2.weight, h2.size, h2.leading)
    assert alert.color == "#aa0000"


def test_colour_names_resolve_to_hex():
    theme = resolve()
    assert theme.styles["h2"].color == theme.colors["primary"] == "#1d5c8a"
    assert theme.boxes["note"].bar == theme.colors["primary"]
    assert theme.boxes["contact"].bar == theme.colors["accent"]


def test_brand_colour_override_changes_styles_that_name_primary():
    theme = resolve({"colors": {"primary": "#123456"}})
    assert theme.styles["h2"].color == "#123456"
    assert theme.styles["masthead_name"].color == "#123456"
    assert theme.boxes["note"].bar == "#123456"
    assert theme.styles["body"].color == resolve().styles["body"].color  # not primary: unchanged


def test_example_clinic_brand_recolours_headings():
    theme = resolve(brand_theme("example-clinic"))
    assert theme.styles["h2"].color == "#00665e"
    assert theme.boxes["note"].bar == "#00665e"
    assert theme.boxes["note"].background == "#e6f3f1"
    assert theme.boxes["note"].title == "#004d46"
    assert resolve(brand_theme("default")).styles["h2"].color == "#1d5c8a"


def test_large_print_edition_makes_text_bigger():
    standard, large = resolve(), resolve(edition="large-print")
    assert large.styles["body"].size >= 16
    assert large.styles["list_item"].size >= 16  # inherits body's size
    assert large.styles["body"].leading >= 1.4 * large.styles["body"].size
    for name, style in standard.styles.items():
        assert large.styles[name].size >= style.size, name
    assert min(large.margins) >= 12 * MM


@pytest.mark.parametrize("brand_id", ["default", "example-clinic"])
@pytest.mark.parametrize("edition", ["standard", "large-print"])
def test_every_shipped_brand_and_edition_resolves(brand_id, edition):
    theme = resolve(brand_theme(brand_id), edition=edition)
    assert theme.styles["body"].size > 0


def test_brand_override_is_applied_after_the_edition():
    theme = resolve({"styles": {"body": {"size": 20}}}, edition="large-print")
    assert theme.styles["body"].size == 20


# --- theme problems -------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["#12345", "blue", "#12345g", "1d5c8a"])
def test_invalid_colour(bad):
    problems = theme_problems({"colors": {"primary": bad}})
    assert [(p.field, p.message) for p in problems] == [
        ("colors.primary", f"{bad!r} is not a #rrggbb colour")
    ]


def test_unknown_colour_name_in_a_style():
    problems = theme_problems({"styles": {"h2": {"color": "primry"}}})
    assert len(problems) == 1
    assert problems[0].field == "styles.h2.color"
    assert problems[0].message.startswith("'primry' is neither #rrggbb nor a colour name (")
    assert str(problems[0]).startswith(f"{ORIGIN}: styles.h2.color: 'primry'")


def test_unknown_colour_name_in_a_box():
    problems = theme_problems({"boxes": {"note": {"bar": "primry"}}})
    assert [p.field for p in problems] == ["boxes.note.bar"]


def test_box_shapes_links_and_fit_are_checked():
    """A box's bar width and frame are widths in points; how links look is true or false;
    the last page's fitting limits are numbers: every bad value named at its field."""
    problems = theme_problems(
        {
            "boxes": {"urgent": {"frame": -1, "bar_width": "wide"}},
            "links": {"underline": "no"},
            "fit": {"spacing_min": "half"},
        }
    )
    assert sorted(p.field for p in problems) == [
        "boxes.urgent.bar_width",
        "boxes.urgent.frame",
        "fit.spacing_min",
        "links.underline",
    ]
    theme = resolve()
    assert theme.boxes["urgent"].frame > 0 and theme.boxes["warning"].frame == 0
    assert theme.boxes["note"].bar_width is None  # spacing.box_bar
    assert theme.links == {"underline": True, "bold": False}
    assert resolve(edition="large-print").links == {"underline": False, "bold": True}


def test_style_with_an_unknown_parent():
    problems = theme_problems({"styles": {"h2": {"parent": "heading"}}})
    assert [(p.field, p.message) for p in problems] == [
        ("styles.h2.parent", "unknown or circular parent 'heading'")
    ]


def test_styles_with_circular_parents():
    problems = theme_problems({"styles": {"a": {"parent": "b"}, "b": {"parent": "a"}}})
    fields = {p.field for p in problems}
    assert {"styles.a.parent", "styles.b.parent"} <= fields


def test_unknown_style_key():
    problems = theme_problems({"styles": {"h2": {"colour": "primary"}}})
    assert len(problems) == 1
    assert problems[0].field == "styles.h2"
    assert problems[0].message.startswith("unknown key colour (expected one of color, ")


@pytest.mark.parametrize("side", ["top", "right", "bottom", "left"])
def test_margin_under_12_mm(side):
    problems = theme_problems({"page": {"margin_mm": {side: 11.9}}})
    assert [(p.field, p.message) for p in problems] == [
        ("page.margin_mm", "office printers need margins of at least 12 mm")
    ]


def test_margin_of_exactly_12_mm_is_allowed():
    theme = resolve({"page": {"margin_mm": {"left": 12}}})
    assert theme.margins[3] == pytest.approx(12 * MM)


def test_non_numeric_margin():
    problems = theme_problems({"page": {"margin_mm": {"top": "wide"}}})
    assert [p.field for p in problems] == ["page.margin_mm"]
    assert "numeric" in problems[0].message


def test_theme_problems_are_all_reported_at_once():
    problems = theme_problems({"colors": {"primary": "blue"}, "page": {"margin_mm": {"left": 5}}})
    assert {p.field for p in problems} == {"colors.primary", "page.margin_mm"}


def test_several_style_problems_are_reported_together():
    problems = theme_problems(
        {
            "styles": {
                "h2": {"colour": "primary"},
                "h3": {"parent": "nope"},
                "caption": {"color": "x"},
            }
        }
    )
    # figure_caption inherits caption's colour: it is named too
    assert {p.field for p in problems} == {
        "styles.h2",
        "styles.h3.parent",
        "styles.caption.color",
        "styles.figure_caption.color",
    }


def test_missing_section_of_the_theme():
    data = layers()
    del data["styles"]
    with pytest.raises(InputError) as exc:
        resolve_theme(data, origin=ORIGIN)
    assert [(p.field, p.message) for p in exc.value.problems] == [
        ("styles", "missing or not a mapping")
    ]


# --- loading the layers ---------------------------------------------------------------------------


def test_edition_layer_is_merged_over_the_default():
    data = layers("large-print")
    assert data["styles"]["body"]["size"] == 17  # from large-print.yaml
    assert data["styles"]["body"]["font"] == "sans"  # kept from default.yaml
    assert data["colors"] == layers()["colors"]


def test_theme_file_syntax_error_is_an_input_error_with_a_line(tmp_path):
    themes = tmp_path / "templates" / "themes"
    themes.mkdir(parents=True)
    (themes / "default.yaml").write_text("colors:\n  primary: '#000000'\n", encoding="utf-8")
    (themes / "huge.yaml").write_text("styles:\n  body: {size: 30\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_theme_layers(themes, ("huge",), root=tmp_path)
    [problem] = exc.value.problems
    assert problem.path == "templates/themes/huge.yaml"
    assert problem.line is not None
    assert "YAML syntax error" in problem.message


def test_theme_file_must_be_a_mapping(tmp_path):
    (tmp_path / "default.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_theme_layers(tmp_path, (), root=tmp_path)
    assert [str(p) for p in exc.value.problems] == [
        "default.yaml:1: a theme file must be a mapping"
    ]


def test_brand_theme_typos_and_wrong_types_are_errors_with_lines(tmp_path):

    from .conftest import copy_project

    project: Project = copy_project(tmp_path / "p")
    brand = project.brands_dir / "example-clinic" / "brand.yaml"
    text = brand.read_text().replace("  colors:\n", "  colours: {primary: '#000000'}\n  colors:\n")
    text = text.replace('    link: "#00564f"\n', '    link: "#00564f"\n    primry: "#123456"\n')
    text += "  spacing: {box_padding: big}\n  styles: {body: 5}\n"
    brand.write_text(text)
    with pytest.raises(InputError) as exc:
        project.brand("example-clinic")
    lines = brand.read_text().splitlines()
    found = {(p.line, p.field, p.message.split(" (")[0]) for p in exc.value.problems}

    def line(needle: str) -> int:
        return next(i for i, text in enumerate(lines, 1) if needle in text)

    assert (line("colours:"), "theme.colours", "unknown key 'colours'") in found
    assert (line("primry:"), "theme.colors.primry", "unknown key 'primry'") in found
    assert (line("spacing:"), "theme.spacing.box_padding", "'big' is not a number") in found
    assert (line("styles:"), "theme.styles.body", "must be a mapping of keys") in found


def test_a_bad_value_in_a_theme_file_is_named_at_that_file_not_at_a_brand(tmp_path):
    """A brand that overrides other colours is not blamed for the theme's own mistake."""
    from .conftest import copy_project

    project: Project = copy_project(tmp_path / "p")
    theme_file = project.themes_dir / "default.yaml"
    text = theme_file.read_text().replace('table_grid: "#8c9aa6"', 'table_grid: "#8c9aa"')
    theme_file.write_text(text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "table_grid:" in t)
    with pytest.raises(InputError) as exc:
        project.theme("example-clinic", "standard")  # a brand with its own colours
    assert [str(p) for p in exc.value.problems] == [
        f"templates/themes/default.yaml:{line}: colors.table_grid: '#8c9aa' is not a #rrggbb colour"
    ]


# --- font files: confined to fonts/, regular, bounded; named at the line that sets them ---------


def _brand_font(project: Project, name: str) -> int:
    """The example clinic's brand.yaml setting its regular sans face to ``name``: its line."""
    brand = project.brands_dir / "example-clinic" / "brand.yaml"
    text = brand.read_text().replace(
        "theme:\n", f"theme:\n  fonts:\n    sans: {{regular: '{name}'}}\n"
    )
    brand.write_text(text)
    return text.splitlines().index("    sans: {regular: '" + name + "'}") + 1


def _fonts_that_must_be_refused(fonts: Path, tmp_path: Path) -> dict[str, str]:
    """name -> what the message says: each made in ``fonts`` (or outside it)."""
    import os

    secret = tmp_path / "secret.ttf"
    secret.write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")
    os.symlink(secret, fonts / "outside-link.ttf")
    os.symlink("/dev/zero", fonts / "zero.ttf")
    os.mkfifo(fonts / "fifo.ttf")
    (fonts / "folder.ttf").mkdir()
    os.symlink(fonts / "nowhere.ttf", fonts / "dangling.ttf")
    return {
        str(secret): "must be a file name relative to fonts/",
        "../secret.ttf": "is outside fonts/",
        "outside-link.ttf": "is outside fonts/",
        "zero.ttf": "is outside fonts/",
        "fifo.ttf": "is not a regular file",
        "folder.ttf": "is not a regular file",
        "dangling.ttf": "not found",
    }


def test_a_font_file_outside_fonts_or_not_a_regular_file_is_refused_at_the_brand_line(tmp_path):
    from .conftest import copy_project

    project: Project = copy_project(tmp_path / "p")
    cases = _fonts_that_must_be_refused(project.fonts_dir, tmp_path / "p")
    original = (project.brands_dir / "example-clinic" / "brand.yaml").read_text()
    for name, says in cases.items():
        (project.brands_dir / "example-clinic" / "brand.yaml").write_text(original)
        line = _brand_font(project, name)
        with pytest.raises(InputError) as exc:
            Project(project.root).brand("example-clinic")  # nothing is opened, so none hangs
        [problem] = exc.value.problems
        assert (problem.path, problem.line, problem.field) == (
            "templates/brands/example-clinic/brand.yaml",
            line,
            "theme.fonts.sans.regular",
        ), name
        assert says in problem.message and "root:" not in problem.message, name


def test_a_font_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    from .conftest import copy_project

    project: Project = copy_project(tmp_path / "p")
    limits = project.templates_dir / "limits.yaml"
    limits.write_text(limits.read_text().replace("max_bytes: 33554432", "max_bytes: 600000"))
    (project.fonts_dir / "Big.ttf").write_bytes(bytes(700_000))  # would not parse either
    line = _brand_font(project, "Big.ttf")
    with pytest.raises(InputError) as exc:
        Project(project.root).brand("example-clinic")
    assert [f"{p.line}: {p.message}" for p in exc.value.problems] == [
        f"{line}: font file 'Big.ttf' is 700000 bytes, over the limit of 600000 "
        "(templates/limits.yaml)"
    ]


def test_a_theme_files_own_font_outside_fonts_is_named_at_that_file(tmp_path):
    from .conftest import copy_project

    project: Project = copy_project(tmp_path / "p")
    theme_file = project.themes_dir / "default.yaml"
    text = theme_file.read_text().replace(
        "regular: NotoSans-Regular.ttf", "regular: /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    )
    theme_file.write_text(text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "DejaVuSans" in t)
    with pytest.raises(InputError) as exc:
        Project(project.root).theme("default", "standard")
    assert [str(p) for p in exc.value.problems] == [
        f"templates/themes/default.yaml:{line}: fonts.sans.regular: font file "
        "'/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' must be a file name relative to fonts/"
    ]


def test_a_link_inside_fonts_to_a_font_inside_fonts_is_used(tmp_path):
    import os

    from .conftest import copy_project

    project: Project = copy_project(tmp_path / "p")
    os.symlink("NotoSans-Bold.ttf", project.fonts_dir / "Brand.ttf")
    _brand_font(project, "Brand.ttf")
    theme = Project(project.root).theme("example-clinic", "standard")
    assert theme.fonts["sans"]["regular"] == "Brand.ttf"
