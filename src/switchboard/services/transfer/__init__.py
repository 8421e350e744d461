"""Warm transfers: the coordinator that implements `CallControl` over the Telephony port."""

from switchboard.services.transfer.coordinator import TransferConfig, WarmTransferCoordinator

__all__ = ["TransferConfig", "WarmTransferCoordinator"]
