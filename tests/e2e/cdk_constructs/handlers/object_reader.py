"""Reads an object of the deployed site from S3 and says where it ran (architecture, VPC or not)."""

import os
import platform

import boto3

s3 = boto3.client("s3")


def lambda_handler(event, context):
    body = s3.get_object(Bucket=os.environ["SITE_BUCKET"], Key=event["key"])["Body"].read().decode()
    return {"body": body, "machine": platform.machine(), "function": context.function_name}
