import os
import time

from aws_lambda_powertools import Logger


def lambda_handler(event, context):
    # The process-wide TZ decides what "local time" means for logging's time.localtime
    os.environ["TZ"] = event["tz"]
    time.tzset()

    logger = Logger(service=event["service"], utc=event["utc"])
    logger.info(event["message"])
    return "success"
