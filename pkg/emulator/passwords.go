package emulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/storage"
)

// passwordView is a branch password as the API returns it.
type passwordView struct {
	ID                     string             `json:"id"`
	Name                   string             `json:"name"`
	Role                   string             `json:"role"`
	CIDRs                  []string           `json:"cidrs"`
	CreatedAt              string             `json:"created_at"`
	DeletedAt              *string            `json:"deleted_at"`
	ExpiresAt              *string            `json:"expires_at"`
	LastUsedAt             *string            `json:"last_used_at"`
	Expired                bool               `json:"expired"`
	DirectVtgate           bool               `json:"direct_vtgate"`
	DirectVtgateAddresses  []string           `json:"direct_vtgate_addresses"`
	TTLSeconds             *int               `json:"ttl_seconds"`
	AccessHostURL          string             `json:"access_host_url"`
	AccessHostRegionalURL  string             `json:"access_host_regional_url"`
	AccessHostRegionalURLs []string           `json:"access_host_regional_urls"`
	Actor                  *actorView         `json:"actor"`
	Region                 regionView         `json:"region"`
	Username               string             `json:"username"`
	PlainText              *string            `json:"plain_text"`
	Replica                bool               `json:"replica"`
	Renewable              bool               `json:"renewable"`
	DatabaseBranch         passwordBranchView `json:"database_branch"`
}

// passwordBranchView is the branch a password belongs to.
type passwordBranchView struct {
	Name                    string `json:"name"`
	ID                      string `json:"id"`
	Production              bool   `json:"production"`
	MySQLEdgeAddress        string `json:"mysql_edge_address"`
	PrivateEdgeConnectivity bool   `json:"private_edge_connectivity"`
}

// passwordView renders a password. The caller holds e.mu.
func (e *Emulator) passwordView(b *branch, p *password, now time.Time) passwordView {
	host := e.edge.Addr()
	v := passwordView{
		ID: p.id, Name: p.name, Role: p.role, CIDRs: p.cidrText, CreatedAt: apiTime(p.createdAt),
		Expired: p.expired(now), DirectVtgateAddresses: []string{},
		AccessHostURL: host, AccessHostRegionalURL: host, AccessHostRegionalURLs: []string{host},
		Actor: e.actor(), Region: defaultRegion(), Username: p.username, Replica: p.replica, Renewable: p.ttl > 0,
		DatabaseBranch: passwordBranchView{Name: b.name, ID: b.id, Production: b.production, MySQLEdgeAddress: host},
	}
	if p.ttl > 0 {
		ttl := p.ttl
		v.TTLSeconds = &ttl
		v.ExpiresAt = apiTimePtr(p.expiresAt)
	}
	return v
}

// createPasswordRequest is the body of POST .../passwords.
type createPasswordRequest struct {
	Name    string   `json:"name"`
	Role    string   `json:"role"`
	TTL     int      `json:"ttl"`
	Replica bool     `json:"replica"`
	CIDRs   []string `json:"cidrs"`
}

func (e *Emulator) createPassword(w http.ResponseWriter, r *http.Request) error {
	var req createPasswordRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	if req.Role == "" {
		req.Role = string(storage.RoleAdmin)
	}
	switch storage.Role(req.Role) {
	case storage.RoleReader, storage.RoleWriter, storage.RoleReadWriter, storage.RoleAdmin:
	default:
		return unprocessable("invalid role %q: want reader, writer, readwriter or admin", req.Role)
	}
	if req.TTL < 0 {
		return unprocessable("ttl must not be negative")
	}
	cidrs, err := parseCIDRs(req.CIDRs)
	if err != nil {
		return err
	}
	e.mu.Lock()
	_, b, err := e.pathBranch(r)
	if err == nil && b.creating {
		err = unprocessable("branch %s is still being created", b.name)
	}
	if err == nil {
		if need := passwordAccesses(b, req.Role); !e.granted(r, need...) {
			err = lacksAccess(fmt.Sprintf("create a password with role %s on %s branch %s", req.Role, branchKind(b), b.name), need...)
		}
	}
	if err != nil {
		e.mu.Unlock()
		return err
	}
	storageDB, username, plain := b.storageDB, e.newUsername(), newPassword()
	e.mu.Unlock()

	// A replica password reads only: "All queries made using this
	// credential will be routed to the nearest replica" (planetscale.com/
	// docs/concepts/replicas), and a replica takes no writes. Its storage
	// user gets the reader's grants, under the edge's own refusal.
	grant := storage.Role(req.Role)
	if req.Replica {
		grant = storage.RoleReader
	}
	if err := e.store.CreateUser(r.Context(), storageDB, username, plain, grant); err != nil {
		return err
	}
	now := time.Now()
	p := &password{
		id: randomString(12), name: req.Name, username: username, plain: plain, role: req.Role,
		cidrs: cidrs, cidrText: req.CIDRs, createdAt: now, ttl: req.TTL, replica: req.Replica,
	}
	if p.name == "" {
		p.name = "pscale-pw-" + randomString(6)
	}
	if p.ttl > 0 {
		p.expiresAt = now.Add(time.Duration(p.ttl) * time.Second)
		e.expireAfter(p, time.Duration(p.ttl)*time.Second)
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	db, err := e.stillThere(r, b)
	if err != nil {
		return errors.Join(err, e.store.DropUser(context.WithoutCancel(r.Context()), username))
	}
	b.passwords = append(b.passwords, p)
	v := e.passwordView(b, p, now)
	v.PlainText = &plain
	e.log.Info("password created", "database", db.name, "branch", b.name, "user", username, "role", req.Role, "ttl", req.TTL)
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// expireAfter expires p after d, or when it is due by then: a renewal
// moves it.
func (e *Emulator) expireAfter(p *password, d time.Duration) {
	e.sched.after(d, func(ctx context.Context) {
		e.mu.Lock()
		left := time.Until(p.expiresAt)
		e.mu.Unlock()
		if left > 0 {
			e.expireAfter(p, left)
			return
		}
		e.expirePassword(ctx, p)
	})
}

// expirePassword retires the MySQL user of a password past its TTL; its open sessions go on, where
// PlanetScale's behaviour is not documented (docs/design/emulator.md).
func (e *Emulator) expirePassword(ctx context.Context, p *password) {
	if err := e.store.RetireUser(ctx, p.username); err != nil && ctx.Err() == nil {
		e.log.Error("retire expired password user", "user", p.username, "err", err)
		return
	}
	e.log.Info("password expired", "user", p.username)
}

// findPassword finds a password of a branch by id. The caller holds e.mu.
func (e *Emulator) findPassword(r *http.Request) (*branch, *password, error) {
	_, b, err := e.pathBranch(r)
	if err != nil {
		return nil, nil, err
	}
	id := r.PathValue("id")
	for _, p := range b.passwords {
		if p.id == id {
			return b, p, nil
		}
	}
	return nil, nil, notFound("password %s not found on branch %s", id, b.name)
}

func (e *Emulator) getPassword(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	b, p, err := e.findPassword(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e.passwordView(b, p, time.Now()))
	return nil
}

// renewPassword is renew_password (POST .../passwords/{id}/renew): the TTL runs again from now;
// one without a TTL, or expired, gets 422, where the spec is silent (docs/design/emulator.md).
func (e *Emulator) renewPassword(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	b, p, err := e.findPassword(r)
	if err != nil {
		return err
	}
	if need := passwordAccesses(b, p.role); !e.granted(r, need...) {
		return lacksAccess(fmt.Sprintf("renew a password with role %s on %s branch %s", p.role, branchKind(b), b.name), need...)
	}
	now := time.Now()
	switch {
	case p.ttl == 0:
		return unprocessable("password %s has no ttl: it is not renewable", p.id)
	case p.expired(now):
		return unprocessable("password %s has expired", p.id)
	}
	p.expiresAt = now.Add(time.Duration(p.ttl) * time.Second)
	writeJSON(w, http.StatusOK, e.passwordView(b, p, now))
	return nil
}

func (e *Emulator) deletePassword(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	b, p, err := e.findPassword(r)
	if err == nil {
		if need := deletePasswordAccesses(b, p.role); !e.granted(r, need...) {
			err = lacksAccess(fmt.Sprintf("delete a password with role %s of %s branch %s", p.role, branchKind(b), b.name), need...)
		}
	}
	if err != nil {
		e.mu.Unlock()
		return err
	}
	for i, q := range b.passwords {
		if q == p {
			b.passwords = append(b.passwords[:i], b.passwords[i+1:]...)
			break
		}
	}
	b.retired = append(b.retired, p.username) // dropped with the branch
	e.mu.Unlock()
	if err := e.store.RetireUser(context.WithoutCancel(r.Context()), p.username); err != nil {
		return err
	}
	return noContent(w)
}

func (e *Emulator) listPasswords(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, b, err := e.pathBranch(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(r, e.passwordViews([]*branch{b})))
	return nil
}

func (e *Emulator) listDatabasePasswords(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	db, err := e.pathDatabase(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(r, e.passwordViews(db.sortedBranches())))
	return nil
}

// passwordViews renders the passwords of branches. The caller holds e.mu.
func (e *Emulator) passwordViews(branches []*branch) []passwordView {
	now := time.Now()
	var out []passwordView
	for _, b := range branches {
		for _, p := range b.passwords {
			out = append(out, e.passwordView(b, p, now))
		}
	}
	return out
}

// parseCIDRs reads a password's cidrs (spec create_password); one it cannot read is 422,
// the emulator's choice, as PlanetScale's answer is not documented.
func parseCIDRs(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, c := range list {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			a, aerr := netip.ParseAddr(c)
			if aerr != nil {
				return nil, unprocessable("invalid cidrs entry %q: want an IP address or a CIDR range such as 10.0.0.0/8", c)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
