"""The tests' throwaway PostgreSQL cluster: the one the benchmark also starts (geo.bench.pg_cluster)."""

from geo.bench.pg_cluster import Cluster, ClusterUnavailable, create_database, drop_database, start_cluster

__all__ = ["Cluster", "ClusterUnavailable", "create_database", "drop_database", "start_cluster"]
