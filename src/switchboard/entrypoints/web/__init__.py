"""The web entrypoint (`switchboard serve`): Twilio webhooks and health checks."""

from switchboard.entrypoints.web.app import create_app, webhook_security
from switchboard.entrypoints.web.security import WebhookSecurity, public_url

__all__ = ["WebhookSecurity", "create_app", "public_url", "webhook_security"]
