"""EventBridge on the local cloud: rules deliver to Lambda functions, scheduled rules fire (see component.py)."""
