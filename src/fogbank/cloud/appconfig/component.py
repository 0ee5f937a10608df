"""AppConfigComponent: AppConfig's control-plane additions and its data plane (`appconfigdata`).

Applications, configuration profiles and hosted versions stay moto's; moto lacks environments, deployment
strategies and deployments (`control.py`) and has no `appconfigdata` service at all (`data.py`). Both are
signed as "appconfig", so both handlers register for that signing name and answer only their own routes.

Example (skipped as a doctest: it needs a running local cloud):
    >>> AppConfigComponent(site, router).start()  # doctest: +SKIP
    >>> cloud.client("appconfigdata").start_configuration_session(...)  # doctest: +SKIP
"""

from __future__ import annotations

from fogbank.cloud.appconfig.control import AppConfigControl
from fogbank.cloud.appconfig.data import AppConfigData
from fogbank.cloud.contracts import Routes
from fogbank.cloud.site import CloudSite

__all__ = ["AppConfigComponent"]


class AppConfigComponent:
    """Registers the AppConfig control-plane and data-plane handlers; holds their in-memory state."""

    def __init__(self, site: CloudSite, routes: Routes) -> None:
        self._routes = routes
        self.control = AppConfigControl(account_id=site.account_id)
        self.data = AppConfigData(self.control, account_id=site.account_id)

    def start(self) -> None:
        """Register both handlers for the "appconfig" signing name."""
        self._routes.add("appconfig", self.control.handle)
        self._routes.add("appconfig", self.data.handle)

    def stop(self) -> None:
        """Nothing runs in the background; the state goes with the cloud."""
