from aws_lambda_powertools.utilities.parser import BaseModel, event_parser


class BasicModel(BaseModel):
    product: str
    version: str


@event_parser
def lambda_handler(event: BasicModel, context):
    return {"product": event.product, "version": event.version}
