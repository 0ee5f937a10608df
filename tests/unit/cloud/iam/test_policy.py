"""Policy documents: every element normalised once; malformed documents rejected naming what is wrong."""

from __future__ import annotations

import pytest

from fogbank.cloud.iam.policy import PolicyError, parse_policy


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ('{"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}', "Effect must be"),
        ('{"Statement": [{"Effect": "Allow", "Resource": "*"}]}', "exactly one of Action and NotAction"),
        ('{"Version": "2012-10-17"}', "has no Statement"),
        ("{not json", "is not valid JSON"),
    ],
)
def test_a_malformed_document_is_a_clear_error(document: str, message: str) -> None:
    # GIVEN a document IAM would reject
    # WHEN it is parsed
    # THEN the error says what is wrong
    with pytest.raises(PolicyError, match=message):
        parse_policy(document, "bad")
