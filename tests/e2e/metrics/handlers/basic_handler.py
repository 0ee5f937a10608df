from aws_lambda_powertools import Metrics

my_metrics = Metrics()


@my_metrics.log_metrics
def lambda_handler(event, context):
    # The test chooses namespace and service, so that its metrics are its own
    my_metrics.namespace = event["namespace"]
    my_metrics.service = event["service"]
    for metric in event["metrics"]:
        my_metrics.add_metric(**metric)
    return "success"
