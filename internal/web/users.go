package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
)

// levels are the permission levels as the forms offer them.
var levels = []levelOption{
	{"viewer", "Viewer", "reads everything, changes nothing"},
	{"responder", "Responder", "works incidents: declares, takes roles, changes stages"},
	{"admin", "Admin", "also manages people, the catalog and settings"},
}

type levelOption struct{ Value, Label, Hint string }

// usersView is the data of the people list.
type usersView struct {
	Users  []auth.User
	Levels []levelOption
	Form   auth.UserInput // the create form, kept after a failure
}

// userList answers GET /users.
func (s *server) userList(w http.ResponseWriter, r *http.Request) error {
	return s.showUsers(w, r, http.StatusOK, auth.UserInput{Level: "responder"}, nil)
}

func (s *server) showUsers(w http.ResponseWriter, r *http.Request, status int, form auth.UserInput, b *banner) error {
	users, err := s.auth.ListUsers(r.Context())
	if err != nil {
		return err
	}
	form.Password = "" // never echoed back
	s.render(w, r, status, "users", page{Title: "People", Nav: "people", Banner: b,
		Data: usersView{Users: users, Levels: levels, Form: form}})
	return nil
}

// createUser answers POST /users (admins).
func (s *server) createUser(w http.ResponseWriter, r *http.Request) error {
	in := auth.UserInput{
		Handle: r.PostFormValue("handle"), Name: r.PostFormValue("name"), Email: r.PostFormValue("email"),
		TimeZone: r.PostFormValue("time_zone"), Level: r.PostFormValue("level"), Password: r.PostFormValue("password"),
	}
	u, err := s.auth.CreateUser(r.Context(), in)
	if err != nil {
		if !onForm(err) {
			return err
		}
		return s.showUsers(w, r, statusOf(apperr.CodeOf(err)), in, &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	return s.showUsers(w, r, http.StatusOK, auth.UserInput{Level: "responder"},
		&banner{Kind: "ok", Message: "Added " + u.Name + " (@" + u.Handle + ") as " + u.Level.String()})
}

// userView is the data of one person's page.
type userView struct {
	User    auth.User
	Levels  []levelOption
	CanEdit bool
}

// userPage answers GET /users/{id}.
func (s *server) userPage(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "user")
	if err != nil {
		return err
	}
	return s.showUser(w, r, id, http.StatusOK, nil)
}

func (s *server) showUser(w http.ResponseWriter, r *http.Request, id int64, status int, b *banner) error {
	u, err := s.auth.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	s.render(w, r, status, "user", page{Title: u.Name, Nav: "people", Banner: b,
		Data: userView{User: u, Levels: levels, CanEdit: actor(r).IsAdmin()}})
	return nil
}

// updateUser answers POST /users/{id} (admins): name, email, time zone,
// level, and whether the account is disabled.
func (s *server) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "user")
	if err != nil {
		return err
	}
	if err := requireAdmin(r, "change people"); err != nil {
		return err
	}
	name, email, tz, level := r.PostFormValue("name"), r.PostFormValue("email"), r.PostFormValue("time_zone"), r.PostFormValue("level")
	disabled := r.PostFormValue("disabled") != ""
	_, err = s.auth.UpdateUser(r.Context(), id, auth.UserPatch{Name: &name, Email: &email, TimeZone: &tz, Level: &level, Disabled: &disabled})
	if err != nil {
		if !onForm(err) {
			return err
		}
		return s.showUser(w, r, id, statusOf(apperr.CodeOf(err)), &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	return s.showUser(w, r, id, http.StatusOK, &banner{Kind: "ok", Message: "Saved"})
}

// idParam reads the {id} path value.
func idParam(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(r.PathValue("id")), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFound(what + " " + r.PathValue("id"))
	}
	return id, nil
}

// requireAdmin refuses a non-admin with a message that names the permission.
func requireAdmin(r *http.Request, what string) error {
	if a := actor(r); !a.Can(access.Admin) {
		return apperr.Forbidden("only admins may %s; you have the %s permission", what, a.Level)
	}
	return nil
}
