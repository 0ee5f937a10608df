"""Every GraphQL document fogbank sends to GitHub, in one place, so tests can validate all of them.

The tests check each document against GitHub's published GraphQL schema and execute the board ones with a real
GraphQL implementation; a document added here is covered without further work.

Example:
    >>> sorted(DOCUMENTS)[:2]
    ['add_to_board', 'board_items']
"""

from __future__ import annotations

__all__ = [
    "ADD_TO_BOARD",
    "BOARD_ITEMS",
    "CLOSING_ISSUE_REFERENCES",
    "DOCUMENTS",
    "OPEN_ISSUES",
    "OPEN_PULLS",
    "ORGANIZATION_BOARD",
    "SET_BOARD_STATUS",
    "USER_BOARD",
]

CLOSING_ISSUE_REFERENCES = """
query FogbankClosingIssues($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      closingIssuesReferences(first: 100, after: $after) {
        nodes { number repository { nameWithOwner } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""

_BOARD_FIELDS = """
fragment FogbankBoardFields on ProjectV2 {
  id
  title
  field(name: $field) {
    __typename
    ... on ProjectV2SingleSelectField { id name options { id name } }
  }
}
"""

ORGANIZATION_BOARD = (
    """
query FogbankOrganizationBoard($login: String!, $number: Int!, $field: String!) {
  organization(login: $login) { projectV2(number: $number) { ...FogbankBoardFields } }
}
"""
    + _BOARD_FIELDS
)

USER_BOARD = (
    """
query FogbankUserBoard($login: String!, $number: Int!, $field: String!) {
  user(login: $login) { projectV2(number: $number) { ...FogbankBoardFields } }
}
"""
    + _BOARD_FIELDS
)

BOARD_ITEMS = """
query FogbankBoardItems($project: ID!, $field: String!, $after: String) {
  node(id: $project) {
    ... on ProjectV2 {
      items(first: 100, after: $after) {
        nodes {
          id
          content {
            __typename
            ... on Issue {
              id number title issueState: state repository { nameWithOwner } labels(first: 100) { nodes { name } }
            }
            ... on PullRequest {
              id number title pullState: state repository { nameWithOwner } labels(first: 100) { nodes { name } }
            }
          }
          status: fieldValueByName(name: $field) {
            __typename
            ... on ProjectV2ItemFieldSingleSelectValue { name optionId }
          }
        }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""

OPEN_ISSUES = """
query FogbankOpenIssues($owner: String!, $name: String!, $after: String) {
  repository(owner: $owner, name: $name) {
    issues(first: 100, after: $after, states: [OPEN]) {
      nodes { id number title state repository { nameWithOwner } labels(first: 100) { nodes { name } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

OPEN_PULLS = """
query FogbankOpenPulls($owner: String!, $name: String!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequests(first: 100, after: $after, states: [OPEN]) {
      nodes { id number title state repository { nameWithOwner } labels(first: 100) { nodes { name } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

ADD_TO_BOARD = """
mutation FogbankAddToBoard($project: ID!, $content: ID!) {
  addProjectV2ItemById(input: {projectId: $project, contentId: $content}) { item { id } }
}
"""

SET_BOARD_STATUS = """
mutation FogbankSetBoardStatus($project: ID!, $item: ID!, $field: ID!, $option: String!) {
  updateProjectV2ItemFieldValue(
    input: {projectId: $project, itemId: $item, fieldId: $field, value: {singleSelectOptionId: $option}}
  ) { projectV2Item { id } }
}
"""

DOCUMENTS = {
    "add_to_board": ADD_TO_BOARD,
    "board_items": BOARD_ITEMS,
    "closing_issue_references": CLOSING_ISSUE_REFERENCES,
    "open_issues": OPEN_ISSUES,
    "open_pulls": OPEN_PULLS,
    "organization_board": ORGANIZATION_BOARD,
    "set_board_status": SET_BOARD_STATUS,
    "user_board": USER_BOARD,
}
