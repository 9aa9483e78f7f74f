package emulator

import (
	"cmp"
	"fmt"
	"html"
	"strings"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
)

// deployRequestView is a deploy request as the API returns it.
type deployRequestView struct {
	ID                      string         `json:"id"`
	Number                  uint64         `json:"number"`
	Actor                   *actorView     `json:"actor"`
	ClosedBy                *actorView     `json:"closed_by"`
	Branch                  string         `json:"branch"`
	BranchID                string         `json:"branch_id"`
	BranchDeleted           bool           `json:"branch_deleted"`
	BranchDeletedBy         *actorView     `json:"branch_deleted_by"`
	BranchDeletedAt         *string        `json:"branch_deleted_at"`
	IntoBranch              string         `json:"into_branch"`
	IntoBranchSharded       bool           `json:"into_branch_sharded"`
	IntoBranchShardCount    int            `json:"into_branch_shard_count"`
	IntoBranchKeyspaceCount int            `json:"into_branch_keyspace_count"`
	Approved                bool           `json:"approved"`
	State                   string         `json:"state"`
	DeploymentState         string         `json:"deployment_state"`
	Deployment              deploymentView `json:"deployment"`
	NumComments             int            `json:"num_comments"`
	HTMLURL                 string         `json:"html_url"`
	Notes                   string         `json:"notes"`
	HTMLBody                string         `json:"html_body"`
	CreatedAt               string         `json:"created_at"`
	UpdatedAt               string         `json:"updated_at"`
	ClosedAt                *string        `json:"closed_at"`
	DeployedAt              *string        `json:"deployed_at"`
}

// deployRequestView renders a deploy request. The caller holds e.mu.
func (e *Emulator) deployRequestView(db *database, dr *deployRequest) deployRequestView {
	v := deployRequestView{
		ID: dr.id, Number: dr.number,
		Branch: dr.branch, BranchID: dr.branchID, BranchDeleted: dr.branchDeleted,
		BranchDeletedAt: apiTimePtr(dr.branchDeletedAt),
		IntoBranch:      dr.into, IntoBranchShardCount: 1, IntoBranchKeyspaceCount: 1,
		Approved: dr.approved, Actor: tokenActor(dr.creator),
		State: "open", DeploymentState: dr.State, Deployment: e.deploymentView(db, dr),
		HTMLURL: e.htmlURL(fmt.Sprintf("/%s/deploy-requests/%d", db.name, dr.number)),
		Notes:   dr.notes, HTMLBody: "<p>" + html.EscapeString(dr.notes) + "</p>",
		CreatedAt: apiTime(dr.createdAt), UpdatedAt: apiTime(dr.updatedAt),
		ClosedAt: apiTimePtr(dr.closedAt), DeployedAt: apiTimePtr(dr.DeployedAt),
	}
	if dr.closed {
		v.State = "closed"
		v.ClosedBy = e.actor()
	}
	if dr.branchDeleted {
		v.BranchDeletedBy = e.actor()
	}
	return v
}

// deploymentView is the deployment of a deploy request as the API returns
// it.
type deploymentView struct {
	ID                         string                 `json:"id"`
	AutoCutover                bool                   `json:"auto_cutover"`
	AutoDeleteBranch           bool                   `json:"auto_delete_branch"`
	CreatedAt                  string                 `json:"created_at"`
	CutoverAt                  *string                `json:"cutover_at"`
	CutoverExpiring            bool                   `json:"cutover_expiring"`
	DeployCheckErrors          *string                `json:"deploy_check_errors"`
	FinishedAt                 *string                `json:"finished_at"`
	ForceCutoverRequestedAt    *string                `json:"force_cutover_requested_at"`
	QueuedAt                   *string                `json:"queued_at"`
	ReadyToCutoverAt           *string                `json:"ready_to_cutover_at"`
	StartedAt                  *string                `json:"started_at"`
	State                      string                 `json:"state"`
	SubmittedAt                *string                `json:"submitted_at"`
	UpdatedAt                  string                 `json:"updated_at"`
	IntoBranch                 string                 `json:"into_branch"`
	DeployRequestNumber        uint64                 `json:"deploy_request_number"`
	Deployable                 bool                   `json:"deployable"`
	PrecedingDeployments       []queuedDeploymentView `json:"preceding_deployments"`
	DeployOperations           []operationView        `json:"deploy_operations"`
	DeployOperationSummaries   []operationSummaryView `json:"deploy_operation_summaries"`
	LintErrors                 []lintView             `json:"lint_errors"`
	SequentialDiffDependencies []map[string]any       `json:"sequential_diff_dependencies"`
	LookupVindexOperations     []map[string]any       `json:"lookup_vindex_operations"`
	DeploymentRevertRequest    map[string]any         `json:"deployment_revert_request"`
	Actor                      *actorView             `json:"actor"`
	CutoverActor               *actorView             `json:"cutover_actor"`
	CancelledActor             *actorView             `json:"cancelled_actor"`
	SchemaLastUpdatedAt        *string                `json:"schema_last_updated_at"`
	TableLocked                bool                   `json:"table_locked"`
	InstantDDL                 bool                   `json:"instant_ddl"`
	InstantDDLEligible         bool                   `json:"instant_ddl_eligible"`
	QueuePaused                bool                   `json:"queue_paused"`
	QueuePauseReason           *string                `json:"queue_pause_reason"`
}

// deploymentView renders a deployment: deployable, deploy_check_errors, lint_errors,
// instant_ddl_eligible and the deployments ahead in its queue. The caller holds e.mu.
func (e *Emulator) deploymentView(db *database, dr *deployRequest) deploymentView {
	q, byNumber := queueOf(db, dr.into)
	preceding := []queuedDeploymentView{}
	for _, entry := range q.Ahead(dr.number) {
		preceding = append(preceding, queuedView(byNumber[entry.Number]))
	}
	v := deploymentView{
		ID: dr.deploymentID, AutoCutover: dr.autoCutover, AutoDeleteBranch: dr.autoDeleteBranch,
		CreatedAt: apiTime(dr.createdAt), CutoverAt: apiTimePtr(dr.CutoverAt),
		FinishedAt: apiTimePtr(dr.FinishedAt), QueuedAt: apiTimePtr(dr.QueuedAt),
		ReadyToCutoverAt: apiTimePtr(dr.ReadyToCutoverAt), StartedAt: apiTimePtr(dr.StartedAt),
		State: dr.State, SubmittedAt: apiTimePtr(dr.SubmittedAt), UpdatedAt: apiTime(dr.updatedAt),
		IntoBranch: dr.into, DeployRequestNumber: dr.number,
		Deployable: dr.plan.Deployable() && len(dr.collisions) == 0 &&
			(dr.State == deploy.Ready || dr.State == deploy.Queued) && !dr.closed,
		PrecedingDeployments: preceding, DeployOperations: e.operationViews(dr),
		DeployOperationSummaries: e.operationSummaries(dr), LintErrors: lintViews(dr.plan.Lint, dr.keyspace),
		InstantDDLEligible:         dr.plan.Merge.InstantEligible,
		SequentialDiffDependencies: []map[string]any{}, LookupVindexOperations: []map[string]any{},
		Actor: tokenActor(cmp.Or(dr.deployer, dr.creator)), SchemaLastUpdatedAt: apiTimePtr(dr.createdAt), InstantDDL: dr.instantDDL,
	}
	if msg := deployCheckErrors(dr); msg != "" {
		v.DeployCheckErrors = &msg
	}
	if !dr.CutoverAt.IsZero() {
		// An automatic cutover is the deployer's.
		v.CutoverActor = tokenActor(cmp.Or(dr.applier, dr.deployer, dr.creator))
	}
	if dr.State == deploy.InProgressCancel || dr.State == deploy.CompleteCancel {
		v.CancelledActor = e.actor()
	}
	return v
}

// operationView is one schema change of a deployment.
type operationView struct {
	ID                     string   `json:"id"`
	State                  string   `json:"state"`
	KeyspaceName           string   `json:"keyspace_name"`
	TableName              string   `json:"table_name"`
	OperationName          string   `json:"operation_name"`
	ETASeconds             *float64 `json:"eta_seconds"`
	ProgressPercentage     *float64 `json:"progress_percentage"`
	DeployErrorDocsURL     *string  `json:"deploy_error_docs_url"`
	DDLStatement           string   `json:"ddl_statement"`
	SyntaxHighlightedDDL   string   `json:"syntax_highlighted_ddl"`
	CreatedAt              string   `json:"created_at"`
	UpdatedAt              string   `json:"updated_at"`
	ThrottledAt            *string  `json:"throttled_at"`
	CanDropData            bool     `json:"can_drop_data"`
	TableLocked            bool     `json:"table_locked"`
	TableRecentlyUsed      bool     `json:"table_recently_used"`
	TableRecentlyUsedAt    *string  `json:"table_recently_used_at"`
	RemovedForeignKeyNames []string `json:"removed_foreign_key_names"`
	DeployErrors           *string  `json:"deploy_errors"`
}

// operationState is the state of each operation for a deployment state.
func operationState(deployment string) string {
	switch deployment {
	case deploy.Queued, deploy.Submitting:
		return "queued"
	case deploy.InProgress, deploy.PendingCutover, deploy.InProgressCutover:
		return "in_progress"
	case deploy.CompletePendingRevert, deploy.Complete, deploy.InProgressRevert, deploy.CompleteRevert, deploy.CompleteRevertError:
		return "complete"
	case deploy.InProgressCancel, deploy.CompleteCancel:
		return "cancelled"
	case deploy.CompleteError, deploy.Error:
		return "error"
	}
	return "pending"
}

// operationViews renders the plan of a deploy request as operations. The
// caller holds e.mu.
func (e *Emulator) operationViews(dr *deployRequest) []operationView {
	state := operationState(dr.State)
	progress := map[string]float64{"complete": 100, "in_progress": 50}[state]
	eta := 0.0
	changes := dr.plan.Merge.Plan.Changes
	if len(dr.plan.Merge.Conflicts) > 0 {
		// A request that conflicts with its target has no merged plan.
		// What the real API lists as its operations then is not
		// documented; the emulator lists the branch's changes since its
		// fork point, what the request's diff shows, so that a client
		// sees what the request would deploy once its conflicts go.
		changes = dr.plan.Changes.Changes
	}
	out := make([]operationView, 0, len(changes))
	for i, c := range changes {
		p := progress
		v := operationView{
			ID: fmt.Sprintf("%s-%d", dr.deploymentID, i+1), State: state, KeyspaceName: dr.keyspace,
			TableName: c.Name, OperationName: c.Kind, ETASeconds: &eta, ProgressPercentage: &p,
			DDLStatement: c.Statement, SyntaxHighlightedDDL: html.EscapeString(c.Statement),
			CreatedAt: apiTime(dr.createdAt), UpdatedAt: apiTime(dr.updatedAt),
			CanDropData: c.Destructive, RemovedForeignKeyNames: []string{},
		}
		if state == "error" && dr.lastErr != "" {
			msg := dr.lastErr
			v.DeployErrors = &msg
		}
		out = append(out, v)
	}
	return out
}

// operationSummaryView is an operation with its per-shard operations.
type operationSummaryView struct {
	ID                     string        `json:"id"`
	CreatedAt              string        `json:"created_at"`
	DeployErrors           string        `json:"deploy_errors"`
	DDLStatement           string        `json:"ddl_statement"`
	ETASeconds             int           `json:"eta_seconds"`
	KeyspaceName           string        `json:"keyspace_name"`
	OperationName          string        `json:"operation_name"`
	ProgressPercentage     float64       `json:"progress_percentage"`
	State                  string        `json:"state"`
	SyntaxHighlightedDDL   string        `json:"syntax_highlighted_ddl"`
	TableName              string        `json:"table_name"`
	TableRecentlyUsedAt    *string       `json:"table_recently_used_at"`
	ThrottledAt            *string       `json:"throttled_at"`
	RemovedForeignKeyNames []string      `json:"removed_foreign_key_names"`
	ShardCount             int           `json:"shard_count"`
	ShardNames             []string      `json:"shard_names"`
	CanDropData            bool          `json:"can_drop_data"`
	TableRecentlyUsed      bool          `json:"table_recently_used"`
	Sharded                bool          `json:"sharded"`
	Operations             []shardOpView `json:"operations"`
}

// shardOpView is an operation on one shard.
type shardOpView struct {
	ID                 string  `json:"id"`
	Shard              string  `json:"shard"`
	State              string  `json:"state"`
	ProgressPercentage float64 `json:"progress_percentage"`
	ETASeconds         int     `json:"eta_seconds"`
}

// operationSummaries renders the operations with their one shard. The
// caller holds e.mu.
func (e *Emulator) operationSummaries(dr *deployRequest) []operationSummaryView {
	ops := e.operationViews(dr)
	out := make([]operationSummaryView, 0, len(ops))
	for _, op := range ops {
		state := op.State
		if state == "queued" {
			state = "pending" // summaries have no queued state
		}
		errs := ""
		if op.DeployErrors != nil {
			errs = *op.DeployErrors
		}
		out = append(out, operationSummaryView{
			ID: op.ID, CreatedAt: op.CreatedAt, DeployErrors: errs, DDLStatement: op.DDLStatement,
			KeyspaceName: op.KeyspaceName, OperationName: op.OperationName, ProgressPercentage: *op.ProgressPercentage,
			State: state, SyntaxHighlightedDDL: op.SyntaxHighlightedDDL, TableName: op.TableName,
			RemovedForeignKeyNames: []string{}, ShardCount: 1, ShardNames: []string{"-"}, CanDropData: op.CanDropData,
			Operations: []shardOpView{{ID: op.ID + "-0", Shard: "-", State: op.State, ProgressPercentage: *op.ProgressPercentage}},
		})
	}
	return out
}

// deployCheckErrors is deploy_check_errors: why it failed, else its conflicts with the target and
// those queued ahead; lint errors only in lint_errors (planetscale.com/docs/api/webhook-events).
func deployCheckErrors(dr *deployRequest) string {
	if dr.lastErr != "" {
		return dr.lastErr
	}
	var lines []string
	for _, c := range dr.plan.Merge.Conflicts {
		lines = append(lines, "conflict on "+c.String())
	}
	if s := collisionLines(dr); s != "" {
		lines = append(lines, s)
	}
	return strings.Join(lines, "\n")
}

// collisionLines describes, one a line, the deployments queued ahead that
// a deploy request was rejected from the queue for.
func collisionLines(dr *deployRequest) string {
	lines := make([]string, len(dr.collisions))
	for i, c := range dr.collisions {
		lines[i] = c.String()
	}
	return strings.Join(lines, "\n")
}

// queuedDeploymentView is a deployment ahead in the queue, with the fields
// planetscale-go reads (QueuedDeployment).
type queuedDeploymentView struct {
	ID                  string     `json:"id"`
	State               string     `json:"state"`
	DeployRequestNumber uint64     `json:"deploy_request_number"`
	IntoBranch          string     `json:"into_branch"`
	Actor               *actorView `json:"actor"`
	CreatedAt           string     `json:"created_at"`
	UpdatedAt           string     `json:"updated_at"`
	StartedAt           *string    `json:"started_at"`
	QueuedAt            *string    `json:"queued_at"`
	FinishedAt          *string    `json:"finished_at"`
}

// queuedView renders a deployment ahead in a queue. The caller
// holds e.mu.
func queuedView(dr *deployRequest) queuedDeploymentView {
	return queuedDeploymentView{
		ID: dr.deploymentID, State: dr.State, DeployRequestNumber: dr.number, IntoBranch: dr.into,
		Actor: tokenActor(dr.creator), CreatedAt: apiTime(dr.createdAt), UpdatedAt: apiTime(dr.updatedAt),
		StartedAt: apiTimePtr(dr.StartedAt), QueuedAt: apiTimePtr(dr.QueuedAt), FinishedAt: apiTimePtr(dr.FinishedAt),
	}
}
