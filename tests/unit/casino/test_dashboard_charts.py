"""The dashboard's SVG bar charts (`casino.dashboard.charts`), parsed as XML: one bar per
non-zero value at the right height, stacked or side by side, a title, a description, axis
labels and a legend, every caller's text escaped, and no script."""

import xml.etree.ElementTree as ET

import pytest

from casino.dashboard.charts import grouped_bars_svg, stacked_bars_svg

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root: ET.Element) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]


def texts(root: ET.Element, cls: str | None = None) -> list[str]:
    return [
        "".join(element.itertext())
        for element in root.iter(f"{SVG}text")
        if cls is None or element.get("class") == cls
    ]


def top(rect: ET.Element) -> float:
    return float(rect.get("y", "nan"))


def bottom(rect: ET.Element) -> float:
    return float(rect.get("y", "nan")) + float(rect.get("height", "nan"))


def test_a_stacked_chart_stacks_each_category_s_series_in_order() -> None:
    root = parse(
        stacked_bars_svg(
            ["12:00", "12:01"],
            {"ok": [30, 10], "INSUFFICIENT_FUNDS": [10, 0]},
            "Wallet operations per minute",
            "operations",
        )
    )

    drawn = bars(root)
    assert [(b.get("data-category"), b.get("data-series"), b.get("data-value")) for b in drawn] == [
        ("12:00", "ok", "30"),
        ("12:00", "INSUFFICIENT_FUNDS", "10"),
        ("12:01", "ok", "10"),
    ]
    first_ok, first_refused, second_ok = drawn
    # The refusals sit on top of the accepted ones, and 40 stands four times as tall as 10.
    assert first_refused.get("x") == first_ok.get("x")
    assert bottom(first_refused) == pytest.approx(top(first_ok))
    assert bottom(first_ok) == pytest.approx(bottom(second_ok))
    assert bottom(first_ok) - top(first_refused) == pytest.approx(
        4 * (bottom(second_ok) - top(second_ok))
    )
    assert float(second_ok.get("x", "0")) > float(first_ok.get("x", "0"))
    assert first_ok.get("fill") != first_refused.get("fill")


def test_a_chart_says_what_it_shows_in_words() -> None:
    root = parse(
        stacked_bars_svg(["12:00", "12:01"], {"ok": [3, 4]}, "Operations", "operations a minute")
    )

    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert title.text == "Operations"
    assert desc is not None
    assert "12:00 to 12:01" in (desc.text or "")
    assert "ok: 7 in all" in (desc.text or "")
    assert set((root.get("aria-labelledby") or "").split()) == {title.get("id"), desc.get("id")}
    assert texts(root, "y-label") == ["operations a minute"]
    assert texts(root, "category") == ["12:00", "12:01"]
    assert "Operations" in texts(root, "chart-title")
    [ok] = bars(root)[:1]
    assert "".join(ok.itertext()) == "12:00, ok: 3"


def test_the_legend_names_every_series_with_its_bars_colour() -> None:
    root = parse(grouped_bars_svg(["d1"], {"a": [1], "b": [2], "c": [3]}, "GGR", "minor units"))

    legend = [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend-item"]
    names = ["".join(item.itertext()) for item in legend]
    assert names == ["a", "b", "c"]
    swatches = {name: item.find(f"{SVG}rect") for name, item in zip(names, legend, strict=True)}
    for bar in bars(root):
        swatch = swatches[bar.get("data-series", "")]
        assert swatch is not None
        assert swatch.get("fill") == bar.get("fill")


def test_grouped_bars_stand_side_by_side_and_a_negative_one_goes_down_from_zero() -> None:
    root = parse(
        grouped_bars_svg(
            ["2025-01-01", "2025-01-02"],
            {"demo USD": [1_000, -500], "other EUR": [250, 0]},
            "Gross gaming revenue",
            "minor units",
        )
    )

    drawn = {(b.get("data-category"), b.get("data-series")): b for b in bars(root)}
    assert set(drawn) == {
        ("2025-01-01", "demo USD"),
        ("2025-01-01", "other EUR"),
        ("2025-01-02", "demo USD"),
    }
    usd, eur = drawn["2025-01-01", "demo USD"], drawn["2025-01-01", "other EUR"]
    loss = drawn["2025-01-02", "demo USD"]
    assert float(eur.get("x", "0")) > float(usd.get("x", "0"))
    zero = bottom(usd)
    assert bottom(eur) == pytest.approx(zero)
    assert top(loss) == pytest.approx(zero)  # the loss hangs below the zero line
    assert bottom(loss) - top(loss) == pytest.approx((zero - top(usd)) / 2, abs=0.02)
    assert "0" in texts(root)
    assert any(text.startswith("-") for text in texts(root))


def test_every_text_of_the_caller_is_escaped() -> None:
    hostile = '<script>alert("x")</script> & "quotes"'
    svg = grouped_bars_svg([hostile], {hostile: [5]}, hostile, hostile)
    root = parse(svg)  # well-formed XML whatever the text

    assert "<script" not in svg
    assert root.find(f".//{SVG}script") is None
    [bar] = bars(root)
    assert bar.get("data-category") == hostile
    assert bar.get("data-series") == hostile
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == hostile
    assert texts(root, "y-label") == [hostile]
    assert hostile in texts(root)


def test_control_characters_do_not_break_the_xml() -> None:
    root = parse(stacked_bars_svg(["a\x00b"], {"s\x1b": [1]}, "t\x07", "y"))

    assert bars(root)[0].get("data-category") == "a\ufffdb"


def test_many_categories_label_only_every_so_often_but_every_bar_has_a_title() -> None:
    minutes = [f"{h:02d}:{m:02d}" for h in range(12, 15) for m in range(60)]
    root = parse(stacked_bars_svg(minutes, {"ok": [1] * 180}, "Operations", "operations"))

    shown = texts(root, "category")
    assert shown[0] == "12:00"
    assert 5 <= len(shown) < 60
    assert len(bars(root)) == 180
    assert all(bar.find(f"{SVG}title") is not None for bar in bars(root))


def test_an_empty_chart_says_so() -> None:
    root = parse(stacked_bars_svg([], {}, "Operations", "operations"))

    assert bars(root) == []
    assert texts(root, "no-data") == ["No data"]


def test_a_series_of_the_wrong_length_or_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="2 values for 1 categories"):
        grouped_bars_svg(["a"], {"s": [1, 2]}, "t", "y")
    with pytest.raises(ValueError, match="negative"):
        stacked_bars_svg(["a"], {"s": [-1]}, "t", "y")


def test_no_script_and_no_external_reference() -> None:
    svg = stacked_bars_svg(["a"], {"s": [1]}, "t", "y")

    for forbidden in ("<script", "href", "url(", "javascript:", "onclick", "<style"):
        assert forbidden not in svg
