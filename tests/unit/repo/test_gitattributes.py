"""linguist-generated from .gitattributes text, last match wins."""

from __future__ import annotations

from fogbank.repo.gitattributes import GeneratedFiles


def test_gitattributes_last_match_wins():
    # GIVEN a .gitattributes that marks a folder generated, then unmarks one file
    generated = GeneratedFiles(
        "# comment\ndocs/api/** linguist-generated\ndocs/api/index.md -linguist-generated\n"
    )

    # WHEN / THEN
    assert generated.is_generated("docs/api/ref.md")
    assert not generated.is_generated("docs/api/index.md")
    assert not generated.is_generated("docs/guide.md")


def test_every_spelling_of_the_attribute_is_understood() -> None:
    # GIVEN rules setting the attribute true and false in each spelling git accepts, and other attributes
    text = "\n".join(
        [
            "# a comment line",
            "",
            "a.txt linguist-generated=true",
            "b.txt linguist-generated",
            "c.txt -linguist-generated",
            "d.txt !linguist-generated",
            "e.txt linguist-generated=false",
            "f.txt text eol=lf",
            "*.lock binary linguist-generated",
        ]
    )
    attributes = GeneratedFiles(text)
    # WHEN checked / THEN true spellings mark a file, false spellings and other attributes do not
    assert attributes.is_generated("a.txt") and attributes.is_generated("b.txt")
    assert not any(attributes.is_generated(name) for name in ("c.txt", "d.txt", "e.txt", "f.txt"))
    assert attributes.is_generated("sub/poetry.lock")  # a pattern without "/" matches at any depth


def test_no_gitattributes_marks_nothing() -> None:
    # GIVEN no .gitattributes / WHEN checked THEN nothing is generated
    assert not GeneratedFiles(None).is_generated("docs/api/x.md")
    assert not GeneratedFiles("").is_generated("x")
