"""The semantic title grammar: examples and hypothesis properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fogbank.repo.titles import TitleError, check_title, parse_title

TYPES = ["feat", "fix", "docs", "chore"]
words = st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True)
scopes = st.from_regex(r"[a-z0-9][a-z0-9._/-]{0,10}", fullmatch=True)
subjects = (
    st.text(st.characters(blacklist_categories=["Cc", "Cs", "Zl", "Zp"]), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)


@given(type_=words, scope=st.none() | scopes, breaking=st.booleans(), subject=subjects)
def test_every_well_formed_title_parses_and_round_trips(type_, scope, breaking, subject):
    # GIVEN a title built from the grammar's parts
    title = f"{type_}{f'({scope})' if scope else ''}{'!' if breaking else ''}: {subject}"

    # WHEN it is parsed
    parsed = parse_title(title)

    # THEN each part comes back and rendering gives the same text
    assert (parsed.type, parsed.scope, parsed.breaking, parsed.subject) == (type_, scope, breaking, subject)
    assert parsed.render() == title


@given(st.text(max_size=60))
def test_any_text_either_parses_or_raises_title_error_with_an_example(text):
    # GIVEN arbitrary text
    # WHEN it is parsed
    try:
        parsed = parse_title(text)
    except TitleError as error:
        # THEN a rejection says why and shows an example
        assert "Example: 'feat(logger): add a sampling rate'" in str(error)
    else:
        # THEN an acceptance is anchored: the whole text is the title
        assert parsed.render() == text


@given(
    prefix=st.text(min_size=1, max_size=5).filter(lambda s: not s.isspace()), type_=words, subject=subjects
)
def test_grammar_is_anchored_at_the_start(prefix, type_, subject):
    # GIVEN a valid title with something glued before it that is not part of a type
    title = f"{prefix} {type_}: {subject}"

    # WHEN / THEN it is rejected: the grammar does not search inside the text
    with pytest.raises(TitleError):
        parse_title(title)


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ("feat add sampling", "there is no ':' after the type"),
        ("feat:add sampling", "the ':' must be followed by exactly one space"),
        ("feat: ", "starts or ends with whitespace"),
        ("Feat: add", "the type 'Feat' must be a lower case word"),
        ("feat(logger: add", "parentheses are unbalanced"),
        ("feat(Logger): add", "the scope 'Logger' must be lower case"),
        ("feat!(logger): add", "'!' goes after the scope, right before ':'"),
    ],
)
def test_rejections_say_what_is_wrong(title, reason):
    # GIVEN a malformed title / WHEN it is parsed / THEN the message names the problem
    with pytest.raises(TitleError, match=r"Example") as caught:
        parse_title(title)
    assert reason in str(caught.value)


def test_config_checks_type_scope_and_aliases():
    # GIVEN allowed types, scopes and an alias
    def check(title):
        return check_title(title, TYPES, ["logger", "tracer"], {"logging": "logger"})

    # WHEN / THEN an alias is resolved, unknown types and scopes are rejected with the allowed values
    assert check("fix(logging)!: x").scope == "logger"
    with pytest.raises(TitleError, match="unknown type 'feet'; allowed types: chore, docs, feat, fix"):
        check("feet: x")
    with pytest.raises(
        TitleError, match="scope 'metrics', which is not allowed; allowed scopes: logger, tracer"
    ):
        check("feat(metrics): x")
    with pytest.raises(TitleError, match="requires one"):
        check_title("feat: x", TYPES, require_scope=True)
