"""The agent's Prometheus metrics: what a call counts (`AgentMetrics`) and how the worker serves
the numbers of every job process on one port (`render`)."""

from switchboard.adapters.prometheus.agent_metrics import AgentMetrics, job_process_metrics
from switchboard.adapters.prometheus.exposition import forget_dead_processes, render

__all__ = ["AgentMetrics", "forget_dead_processes", "job_process_metrics", "render"]
