"""AppConfig: the control-plane routes moto lacks (environments, strategies, deployments) and the data plane.

See `component.AppConfigComponent`.
"""
