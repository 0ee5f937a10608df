from aws_lambda_powertools import Metrics

my_metrics = Metrics()


@my_metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event, context):
    my_metrics.namespace = event["namespace"]
    my_metrics.service = event["service"]
    return "success"
