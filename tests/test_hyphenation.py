"""Hyphenation to book rules, measured on the printed PDFs (tests/pagecheck.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pdfplumber
import pytest

from briefing.build import build

from .conftest import REPO, normalise, run_cli, write_brief
from .pagecheck import HyphenationStats, body_lines, measure_hyphenation, paragraphs, widest_word_gap

#: The highest share of wrapped body lines that may end in a hyphen (ragged-right norm).
LIMITS = {"id": 0.10, "en": 0.06}
LANGUAGES = {"pimpinan": "id", "analis": "id", "publik": "id", "mitra": "en"}


def assert_book_rules(stats: HyphenationStats, language: str) -> None:
    assert stats.wrapped > 15, stats.summary()
    assert stats.share <= LIMITS[language], stats.summary()
    assert stats.longest_run <= 2, stats.summary()
    assert not stats.short_fragments, stats.short_fragments
    assert not stats.last_words, stats.last_words
    assert not stats.page_ends, stats.page_ends


@pytest.mark.parametrize("edition", sorted(LANGUAGES))
def test_default_editions_hyphenate_to_book_rules(editions: dict[str, Path], edition: str) -> None:
    assert_book_rules(measure_hyphenation(editions[edition]), LANGUAGES[edition])


def _long_brief(root: Path, theme: str | None = None, **files: str) -> Path:
    """The default brief's prose three times over on A5: many page turns, many breaks."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import body_text

    manifest = {"title": "Uji", "date": "2022-10-07", "language": "id", "paper": "A5"}
    if theme:
        manifest["theme"] = theme
    body = body_text()
    sections = {f"0{i}-bagian-{i}.md": f"---\ntitle: Bagian {i}\n---\n{body}\n" for i in range(1, 4)}
    return write_brief(root, manifest, sections, **files)


def test_long_text_across_page_turns(tmp_path: Path) -> None:
    root = _long_brief(tmp_path / "brief")
    [result] = build(root)
    stats = measure_hyphenation(result.path)
    assert result.pages >= 10
    assert_book_rules(stats, "id")


def test_justified_text_keeps_rules_and_a_word_gap_ceiling(tmp_path: Path) -> None:
    root = _long_brief(tmp_path / "brief", theme="rata.yaml", **{"rata.yaml": "base: formal\njustify: true\n"})
    [result] = build(root)
    stats = measure_hyphenation(result.path)
    assert stats.longest_run <= 2 and not stats.short_fragments and not stats.last_words and not stats.page_ends
    assert widest_word_gap(result.path) <= 0.51


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_narrow_measure_in_large_type_keeps_the_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         language: str) -> None:
    """13 pt type on 213 pt columns (about 35 characters a line): a zone that is a share of
    the measure shrinks to 2.9 em there and hyphenated 24 % of the Indonesian lines, 11 % of
    the English; the zone in ems keeps both under their limits."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate

    if language == "en":
        monkeypatch.setattr(generate, "BODY_SECTIONS", [n.replace(".md", ".en.md") for n in generate.BODY_SECTIONS])
    body = generate.body_text()
    events = "".join(f"- date: {1990 + k}\n  title: Peristiwa {k}\n  text: Kejadian tahun itu.\n" for k in range(6))
    manifest = {"title": "Uji", "date": "2022-10-07", "language": language, "theme": "besar.yaml",
                "timeline": {"file": "timeline.yaml", "side": "right"}}
    sections = {f"0{i}-bagian-{i}.md": f"---\ntitle: Bagian {i}\n---\n{body}\n" for i in range(1, 4)}
    theme = "base: formal\nbody_size: 13\nbody_leading: 18\nsidebar_fraction: 0.45\ngutter: 20\n"
    root = write_brief(tmp_path / "brief", manifest, sections, **{"besar.yaml": theme, "timeline.yaml": events})
    [result] = build(root)
    with pdfplumber.open(result.path) as pdf:
        for page in pdf.pages[1:]:  # two columns a page, lines no wider than 215 pt
            words = [w for w in page.extract_words(extra_attrs=["size"]) if abs(w["size"] - 13) < 0.05]
            for side in (True, False):
                column = [w for w in words if (w["x0"] < page.width / 2) == side]
                assert column and max(w["x1"] for w in column) - min(w["x0"] for w in column) < 215
    assert_book_rules(measure_hyphenation(result.path, body_size=13, leading=18), language)


COMPOUNDS = ("Laporan itu menyebut wilayah-wilayah dan kapal-kapal serta negara-negara yang "
             "terang-terangan mendukung, lalu wilayah-wilayah lain dan kapal-kapal lain. ") * 12


def _line_ends(pdf_path: Path) -> list[tuple[str, str]]:
    """(last word of a line, first word of the next line) for every line of every paragraph."""
    runs = paragraphs(body_lines(pdf_path))
    return [(line.words[-1], run[i + 1].words[0]) for run in runs for i, line in enumerate(run[:-1])]


def test_hard_hyphen_compounds_break_at_their_hyphen_only(tmp_path: Path) -> None:
    root = write_brief(tmp_path / "brief", {"title": "Uji", "date": "2022-10-07", "language": "id", "paper": "A5"},
                       {"01-a.md": f"---\ntitle: Satu\n---\n{COMPOUNDS}\n\n{COMPOUNDS}\n"})
    [result] = build(root)
    ends = _line_ends(result.path)
    compounds = [(head, tail) for head, tail in ends if head.endswith("-")]
    assert compounds, "no line ends at a compound's hyphen"
    for head, tail in compounds:
        assert head.count("-") == 1 and head[:-1] in {"wilayah", "kapal", "negara", "terang"}, (head, tail)
        assert tail.rstrip(",.") == head[:-1], (head, tail)  # the hyphen is the compound's own
    with pdfplumber.open(result.path) as pdf:
        text = normalise("".join(page.extract_text() or "" for page in pdf.pages))
    assert text.count("wilayahwilayah") == 24 * 2  # no letter lost when broken lines are broken again


#: A long word after runs of short ones of every length: some line ends far short without a break.
LONG_WORDS = " ".join(" ".join(["ada"] * k) + " pertanggungjawaban" for k in range(1, 40))


def _breaks_of(pdf_path: Path, word: str) -> set[str]:
    return {head for head, tail in _line_ends(pdf_path) if head.endswith("-") and word.startswith(head[:-1])}


def test_hyphenation_list_sets_break_points(tmp_path: Path) -> None:
    manifest = {"title": "Uji", "date": "2022-10-07", "language": "id", "paper": "A5"}
    sections = {"01-a.md": f"---\ntitle: Satu\n---\n{LONG_WORDS}\n"}
    plain = write_brief(tmp_path / "plain", manifest, sections)
    marked = write_brief(tmp_path / "marked", manifest, sections,
                         **{"hyphenation.txt": "# only after the compound's first part\npertanggung-jawaban\n"})
    whole = write_brief(tmp_path / "whole", manifest, sections, **{"hyphenation.txt": "Pertanggungjawaban\n"})
    word = "pertanggungjawaban"
    assert _breaks_of(build(plain)[0].path, word) - {"pertanggung-"}, "pyphen's own points are used without a list"
    assert _breaks_of(build(marked)[0].path, word) == {"pertanggung-"}
    assert _breaks_of(build(whole)[0].path, word) == set()


def test_hyphenation_list_of_another_language_is_not_used(tmp_path: Path) -> None:
    manifest = {"title": "Uji", "date": "2022-10-07", "language": "id", "paper": "A5"}
    root = write_brief(tmp_path / "brief", manifest, {"01-a.md": f"---\ntitle: Satu\n---\n{LONG_WORDS}\n"},
                       **{"hyphenation.en.txt": "pertanggungjawaban\n"})
    assert _breaks_of(build(root)[0].path, "pertanggungjawaban")


def test_bad_hyphenation_list_names_file_and_line(tmp_path: Path) -> None:
    root = write_brief(tmp_path / "brief", {"title": "Uji", "date": "2022-10-07"},
                       {"01-a.md": "---\ntitle: Satu\n---\nTeks.\n"},
                       **{"hyphenation.txt": "pe-me-rin-tah-an\n\nke men teri an\n"})
    result = run_cli("build", str(root))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1, result.stderr
    assert "hyphenation.txt:3: 'ke men teri an' is not a word" in result.stderr, result.stderr
    assert not (root / "output").exists() or not list((root / "output").glob("*.pdf"))


def test_word_listed_twice_with_other_points(tmp_path: Path) -> None:
    root = write_brief(tmp_path / "brief", {"title": "Uji", "date": "2022-10-07"},
                       {"01-a.md": "---\ntitle: Satu\n---\nTeks.\n"},
                       **{"hyphenation.txt": "wi-la-yah\nwil-ayah\nwi-la-yah\n"})
    result = run_cli("check", str(root))
    assert result.returncode == 1, result.stderr
    assert ("hyphenation.txt:2: error: 'wilayah' is listed twice with different break points ('wi-la-yah' and 'wil-ayah')"
            in result.stdout), result.stdout


def test_fragments_shorter_than_three_letters_are_never_offered() -> None:
    from briefing.layout.hyphenation import hyphenator

    split = hyphenator("id")
    assert split is not None
    for word in ("kementerian", "menyatakan", "dipimpin", "perbatasannya", "pengiriman"):
        for head, tail in split(word):
            assert len(head) >= 3 and len(tail) >= 3, (word, head, tail)
    assert split("wilayah-wilayah") == [("wilayah-", "wilayah")]
    assert split("se-Asia") == []


def test_each_word_is_looked_up_in_the_patterns_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line breaking of a paragraph asks again for the words it breaks: the answer is kept."""
    import pyphen

    from briefing.layout.hyphenation import hyphenator

    looked_up: list[str] = []
    iterate = pyphen.Pyphen.iterate

    def counting(self: pyphen.Pyphen, word: str) -> object:
        looked_up.append(word)
        return iterate(self, word)

    monkeypatch.setattr(pyphen.Pyphen, "iterate", counting)
    split = hyphenator("id", ("kata-yang-di-uji-se-ka-li",))  # its own hyphenator, not one used before
    assert split is not None
    first = split("pemerintahan")
    assert first and split("pemerintahan") == first and split("kementerian")
    assert looked_up == ["pemerintahan", "kementerian"]
