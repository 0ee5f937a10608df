from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types

cors_config = CORSConfig(allow_origin="https://www.example.com", extra_origins=["https://www.example.org"])
app = APIGatewayRestResolver(cors=cors_config)


@app.get("/todos")
def get_todos():
    # the seed's example: two values for one header, two cookies
    return Response(
        status_code=200,
        content_type=content_types.TEXT_PLAIN,
        body="Hello world",
        cookies=["CookieMonster", "MonsterCookie"],
        headers={"Foo": ["bar", "zbr"]},
    )


@app.post("/todos")
def create_todo():
    # the request says what to answer: body, status code, headers and cookies
    data = app.current_event.json_body
    return Response(
        status_code=data.get("status_code", 200),
        content_type=content_types.TEXT_PLAIN,
        body=data["body"],
        cookies=data.get("cookies", []),
        headers=data.get("headers", {}),
    )


@app.get("/empty")
def empty():
    return Response(status_code=200, content_type=None, headers={}, body=None)


def lambda_handler(event, context):
    return app.resolve(event, context)
