package emulator

import (
	"time"
)

// apiTime renders a time the way the API does (RFC 3339, milliseconds, UTC).
func apiTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// apiTimePtr renders an optional time; the zero time is null.
func apiTimePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := apiTime(t)
	return &s
}

// htmlURL is the dashboard URL of a path under the organization.
func (e *Emulator) htmlURL(path string) string {
	return "https://app.planetscale.com/" + e.org.name + path
}

// apiURL is the API URL of a path under the organization.
func (e *Emulator) apiURL(path string) string {
	return "https://api.planetscale.com/v1/organizations/" + e.org.name + path
}

// actorView is who did something: always the service token.
type actorView struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	DisplayName string `json:"display_name"`
	AvatarURL   string `json:"avatar_url"`
}

func (e *Emulator) actor() *actorView { return tokenActor(e.cfg.TokenID) }

// tokenActor is the actor of a service token.
func tokenActor(id string) *actorView {
	return &actorView{ID: id, Type: "ServiceToken", DisplayName: id, AvatarURL: ""}
}

// regionView is the one region every branch lives in.
type regionView struct {
	ID                  string   `json:"id"`
	Provider            string   `json:"provider"`
	Enabled             bool     `json:"enabled"`
	PublicIPAddresses   []string `json:"public_ip_addresses"`
	DisplayName         string   `json:"display_name"`
	Location            string   `json:"location"`
	Slug                string   `json:"slug"`
	CurrentDefault      bool     `json:"current_default"`
	MySQLSupported      bool     `json:"mysql_supported"`
	PostgreSQLSupported bool     `json:"postgresql_supported"`
}

func defaultRegion() regionView {
	return regionView{
		ID: "emulator-local", Provider: "AWS", Enabled: true, PublicIPAddresses: []string{"127.0.0.1"},
		DisplayName: "AWS us-east-1", Location: "Northern Virginia", Slug: "us-east",
		CurrentDefault: true, MySQLSupported: true, PostgreSQLSupported: false,
	}
}

// refView is the short form of a branch used inside other objects.
type refView struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
	DeletedAt *string `json:"deleted_at"`
}

func branchRef(b *branch) refView {
	return refView{ID: b.id, Name: b.name, CreatedAt: apiTime(b.createdAt), UpdatedAt: apiTime(b.updatedAt)}
}

// dataEnvelope is the {"data":[...]} wrapper of unpaginated lists.
type dataEnvelope[T any] struct {
	Data []T `json:"data"`
}

func wrapData[T any](items []T) dataEnvelope[T] {
	return dataEnvelope[T]{Data: append([]T{}, items...)}
}

// nullable is s, or nil when it is empty.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
