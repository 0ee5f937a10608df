"""Every GraphQL document fogbank sends is valid against GitHub's published schema (graphql-core validates)."""

from __future__ import annotations

import pytest

from fogbank.repo.github.graphql_documents import DOCUMENTS
from github_graphql import validation_errors


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_is_valid_against_githubs_schema(name: str) -> None:
    # GIVEN a document fogbank sends / WHEN GitHub's schema validates it / THEN there is no error
    assert validation_errors(DOCUMENTS[name]) == []


def test_an_invalid_document_is_caught() -> None:
    # GIVEN a document asking for a field GitHub does not have
    document = 'query { repository(owner: "o", name: "n") { noSuchField } }'
    # WHEN it is validated / THEN the error names the field
    assert any("noSuchField" in message for message in validation_errors(document))
