from aws_lambda_powertools.event_handler import AppSyncResolver
from aws_lambda_powertools.utilities.data_classes.appsync import scalar_types_utils
from aws_lambda_powertools.utilities.data_classes.appsync_resolver_event import AppSyncResolverEvent

app = AppSyncResolver()

POSTS = {
    "1": {"id": "1", "title": "First post", "createdAt": "2026-11-29T12:00:00Z"},
    "2": {"id": "2", "title": "Second post", "createdAt": "2026-11-29T13:00:00Z"},
    "3": {"id": "3", "title": "Third post", "createdAt": "2026-11-29T14:00:00Z"},
}
RELATED = {"1": ["2", "3"], "2": ["1"], "3": []}


@app.resolver(type_name="Query", field_name="getPost")
def get_post(id: str) -> dict | None:
    if id == "boom":
        raise ValueError("post boom cannot be read")
    return POSTS.get(id)


@app.resolver(type_name="Query", field_name="listPosts")
def list_posts() -> list[dict]:
    return list(POSTS.values())


@app.resolver(type_name="Query", field_name="whoAmI")
def who_am_i() -> str:
    identity = app.current_event.identity
    return identity.user_arn if identity is not None else "anonymous"


@app.resolver(type_name="Mutation", field_name="createPost")
def create_post(title: str, metadata: dict | None = None) -> dict:
    selection = app.current_event.info.selection_set_list
    return {
        "id": scalar_types_utils.make_id(),
        "title": title,
        "createdAt": scalar_types_utils.aws_datetime(),
        "metadata": {"received": metadata, "selection": selection},
    }


@app.batch_resolver(type_name="Post", field_name="relatedPosts")
def related_posts(event: list[AppSyncResolverEvent]) -> list[list[dict]]:
    # one BatchInvoke carries every post of the list: answer each, in order
    return [[POSTS[post_id] for post_id in RELATED[item.source["id"]]] for item in event]


def lambda_handler(event, context):
    return app.resolve(event, context)
