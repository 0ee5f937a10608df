"""The cdk_constructs feature: common CDK constructs a Lambda project uses, deployed as on AWS.

A BucketDeployment (CDK's arm64 custom resource running the AWS CLI from its layer at /opt), an arm64
function, and a function in the private subnets of a default `ec2.Vpc` (EIPs, NAT gateways, routes).
"""
