package emulator

import "time"

// branchView is a database branch as the API returns it.
type branchView struct {
	ID                          string         `json:"id"`
	Name                        string         `json:"name"`
	CreatedAt                   string         `json:"created_at"`
	UpdatedAt                   string         `json:"updated_at"`
	DeletedAt                   *string        `json:"deleted_at"`
	RestoreChecklistCompletedAt *string        `json:"restore_checklist_completed_at"`
	SchemaLastUpdatedAt         *string        `json:"schema_last_updated_at"`
	Kind                        string         `json:"kind"`
	MySQLAddress                string         `json:"mysql_address"`
	MySQLEdgeAddress            string         `json:"mysql_edge_address"`
	State                       string         `json:"state"`
	DirectVtgate                bool           `json:"direct_vtgate"`
	VtgateSize                  string         `json:"vtgate_size"`
	VtgateName                  *string        `json:"vtgate_name"`
	VtgateCount                 int            `json:"vtgate_count"`
	VtgateAutoscaling           bool           `json:"vtgate_autoscaling"`
	VtgateMaxCount              *int           `json:"vtgate_max_count"`
	VtgateTargetCPUUtilization  *int           `json:"vtgate_target_cpu_utilization"`
	ClusterName                 string         `json:"cluster_name"`
	ClusterIOPS                 *int           `json:"cluster_iops"`
	Ready                       bool           `json:"ready"`
	SchemaReady                 bool           `json:"schema_ready"`
	Metal                       bool           `json:"metal"`
	Production                  bool           `json:"production"`
	SafeMigrations              bool           `json:"safe_migrations"`
	DeletionProtected           bool           `json:"deletion_protected"`
	Sharded                     bool           `json:"sharded"`
	ShardCount                  int            `json:"shard_count"`
	KeyspaceCount               int            `json:"keyspace_count"`
	StaleSchema                 bool           `json:"stale_schema"`
	Actor                       *actorView     `json:"actor"`
	RestoredFromBranch          *refView       `json:"restored_from_branch"`
	PrivateEdgeConnectivity     bool           `json:"private_edge_connectivity"`
	HasReplicas                 bool           `json:"has_replicas"`
	HasReadOnlyReplicas         bool           `json:"has_read_only_replicas"`
	HTMLURL                     string         `json:"html_url"`
	URL                         string         `json:"url"`
	Region                      regionView     `json:"region"`
	ParentBranch                *string        `json:"parent_branch"`
	VtgateOptions               map[string]any `json:"vtgate_options"`
}

// branchView renders a branch. The caller holds e.mu.
func (e *Emulator) branchView(db *database, b *branch, now time.Time) branchView {
	ready := b.ready(now)
	state := "pending"
	if ready {
		state = "ready"
	}
	v := branchView{
		ID: b.id, Name: b.name,
		CreatedAt: apiTime(b.createdAt), UpdatedAt: apiTime(b.updatedAt),
		SchemaLastUpdatedAt: apiTimePtr(b.createdAt),
		Kind:                "mysql",
		MySQLAddress:        e.edge.Addr(), MySQLEdgeAddress: e.edge.Addr(),
		State: state, VtgateSize: "", VtgateCount: 1, ClusterName: b.clusterSize,
		Ready: ready, SchemaReady: ready, Production: b.production, SafeMigrations: b.safeMigrations,
		DeletionProtected: b.deletionProtected,
		ShardCount:        1, KeyspaceCount: 1, Actor: e.actor(), HasReplicas: b.production,
		HTMLURL: e.htmlURL("/" + db.name + "/" + b.name),
		URL:     e.apiURL("/databases/" + db.name + "/branches/" + b.name),
		Region:  defaultRegion(), VtgateOptions: map[string]any{},
	}
	if b.parent != "" {
		parent := b.parent
		v.ParentBranch = &parent
	}
	if b.restoredFrom != nil {
		ref := branchRef(b.restoredFrom.branch)
		v.RestoredFromBranch = &ref
	}
	return v
}
