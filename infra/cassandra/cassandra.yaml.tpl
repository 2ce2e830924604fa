# cassandra.yaml of the local single-node Cassandra 5.0 (retail-stream dev stack).
# Template: infra/src/services/cassandra.ts fills in the {{…}} placeholders (HOST, ports, DIR = the service dir) and writes the result to
# <RS_DATA_DIR>/cassandra/conf/cassandra.yaml on every start, so edit this file, not the rendered copy.
# Unknown keys make Cassandra refuse to start, which keeps this file honest.
# Sized for a 2-core / 24 GiB box that also runs Kafka, Postgres, ClickHouse and ~10 Node services.

cluster_name: 'retail-stream'

# --- ring: one node, its own seed ------------------------------------------------------------
num_tokens: 16
allocate_tokens_for_local_replication_factor: 1
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch # datacenter1 / rack1
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: '{{HOST}}:{{STORAGE_PORT}}'
auto_bootstrap: false

# --- network: loopback only ----------------------------------------------------------------------
listen_address: {{HOST}}
rpc_address: {{HOST}}
storage_port: {{STORAGE_PORT}}
start_native_transport: true
native_transport_port: {{NATIVE_PORT}}

# --- local dev security: no auth (never expose this node beyond 127.0.0.1) ------------------------
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
role_manager: CassandraRoleManager
network_authorizer: AllowAllNetworkAuthorizer

# --- storage, all under the service dir -----------------------------------------------------------
data_file_directories:
  - {{DIR}}/data
commitlog_directory: {{DIR}}/commitlog
saved_caches_directory: {{DIR}}/saved_caches
hints_directory: {{DIR}}/hints
cdc_raw_directory: {{DIR}}/cdc_raw
# 5.0 on-disk formats (sstable 'oa', deletion times past 2038); there is no 4.x node to stay compatible with.
storage_compatibility_mode: NONE

# Writes are acked before the commit log is fsynced; a hard kill (kill -9, OOM exit, reboot) loses
# what was acked since the last sync. Cassandra's default period of 10 s is a long window on a single
# node with no replicas (consumers may have committed their Kafka offsets by then), so sync every
# second. `group` mode (ack only after fsync) made writes ~3x slower on this VM (p50 9 ms -> 60 ms).
commitlog_sync: periodic
commitlog_sync_period: 1000ms
commitlog_segment_size: 32MiB
commitlog_total_space: 512MiB
disk_failure_policy: stop
commit_failure_policy: stop
# Dropping/truncating test keyspaces must not leave snapshots behind on a dev machine.
auto_snapshot: false

# --- memory: keep heap use and off-heap modest (heap itself is CASSANDRA_HEAP) ---------------------
memtable_allocation_type: heap_buffers
memtable_heap_space: 128MiB
memtable_offheap_space: 64MiB
key_cache_size: 16MiB
row_cache_size: 0MiB
counter_cache_size: 8MiB
# chunk cache + buffer pool (off-heap); Cassandra's default is min(2 GiB, heap/4)
file_cache_size: 64MiB
networking_cache_size: 32MiB
index_summary_capacity: 16MiB
prepared_statements_cache_size: 16MiB

# --- threads: a 2-core machine shared with the rest of the stack ----------------------------------
concurrent_reads: 8
concurrent_writes: 8
concurrent_counter_writes: 8
concurrent_materialized_view_writes: 8
concurrent_compactors: 1
memtable_flush_writers: 1
compaction_throughput: 32MiB/s
native_transport_max_threads: 32

# --- features off that the project does not use (less startup work, fewer surprises) --------------
materialized_views_enabled: false
sasi_indexes_enabled: false
transient_replication_enabled: false
user_defined_functions_enabled: false
hinted_handoff_enabled: true
