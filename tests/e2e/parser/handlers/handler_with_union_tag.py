from typing import Annotated, Literal

from aws_lambda_powertools.utilities.parser import BaseModel, event_parser
from pydantic import Field


class SuccessfulCallback(BaseModel):
    status: Literal["succeeded"]
    name: str
    breed: Literal["Husky", "Labrador"]


class FailedCallback(BaseModel):
    status: Literal["failed"]
    error: str


class TemporaryErrorCallback(BaseModel):
    status: Literal["temporary_error"]
    retry_in_seconds: int


DogCallback = Annotated[
    SuccessfulCallback | FailedCallback | TemporaryErrorCallback, Field(discriminator="status")
]


@event_parser(model=DogCallback)
def lambda_handler(event, context):
    return {"model": type(event).__name__, **event.model_dump()}
