"""AppSync GraphQL APIs on the local cloud: the schema with AppSync's scalars, execution, the HTTP endpoint."""
