from dataclasses import asdict, dataclass

from aws_lambda_powertools.utilities.parser import event_parser


@dataclass
class BasicDataclass:
    product: str
    version: str


@event_parser
def lambda_handler(event: BasicDataclass, context):
    return asdict(event)
