package auth

import (
	"context"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
)

// CreateUser adds a user. Admins only.
func (s *Service) CreateUser(ctx context.Context, in UserInput) (User, error) {
	a, err := admin(ctx, "add users")
	if err != nil {
		return User{}, err
	}
	u, err := in.validate()
	if err != nil {
		return User{}, err
	}
	hash := ""
	if in.Password != "" {
		if hash, err = HashPassword(in.Password); err != nil {
			return User{}, apperr.Internal(err)
		}
	}
	now := s.clock()
	u.CreatedAt, u.UpdatedAt = now, now
	err = s.st.InTx(ctx, func(tx Tx) error {
		id, err := tx.InsertUser(ctx, u, hash)
		if err != nil {
			return err
		}
		u.ID = id
		return tx.Audit(ctx, audit.New(a, now, "user.create", userTarget(id), map[string]any{
			"handle": u.Handle, "email": u.Email, "level": u.Level.String(), "password_set": hash != "",
		}))
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// UpdateUser changes a user. Admins may change anything; a user may change
// their own name, email and time zone, but not their level.
func (s *Service) UpdateUser(ctx context.Context, id int64, p UserPatch) (User, error) {
	a, err := actor(ctx)
	if err != nil {
		return User{}, err
	}
	if !a.IsAdmin() {
		if a.UserID != id {
			return User{}, apperr.Forbidden("only admins may change other users")
		}
		if p.Level != nil {
			return User{}, apperr.Forbidden("only admins may change a user's level")
		}
		if p.Disabled != nil {
			return User{}, apperr.Forbidden("only admins may disable or enable users")
		}
	}
	action := "user.update"
	if p.Level == nil && p.Name == nil && p.Email == nil && p.TimeZone == nil && p.Disabled != nil {
		action = "user.disable"
		if !*p.Disabled {
			action = "user.enable"
		}
	}
	return s.updateUser(ctx, a, id, p, action)
}

// DisableUser stops a user from signing in and ends their sessions. Admins only.
func (s *Service) DisableUser(ctx context.Context, id int64) (User, error) {
	a, err := admin(ctx, "disable users")
	if err != nil {
		return User{}, err
	}
	t := true
	return s.updateUser(ctx, a, id, UserPatch{Disabled: &t}, "user.disable")
}

func (s *Service) updateUser(ctx context.Context, a access.Actor, id int64, p UserPatch, action string) (User, error) {
	var out User
	err := s.st.InTx(ctx, func(tx Tx) error {
		old, _, err := tx.UserForUpdate(ctx, id)
		if err != nil {
			return err
		}
		u := old
		if err := p.apply(&u); err != nil {
			return err
		}
		changes := map[string]any{}
		if u.Name != old.Name {
			changes["name"] = u.Name
		}
		if u.Email != old.Email {
			changes["email"] = u.Email
		}
		if u.TimeZone != old.TimeZone {
			changes["time_zone"] = u.TimeZone
		}
		if u.Level != old.Level {
			changes["level"] = u.Level.String()
		}
		if u.Disabled != old.Disabled {
			changes["disabled"] = u.Disabled
		}
		if len(changes) == 0 {
			out = old
			return nil
		}
		if isActiveAdmin(old) && !isActiveAdmin(u) {
			verb := "demote"
			if u.Disabled {
				verb = "disable"
			}
			if err := lastAdminGuard(ctx, tx, verb); err != nil {
				return err
			}
		}
		now := s.clock()
		u.UpdatedAt = now
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if u.Disabled && !old.Disabled {
			if err := tx.DeleteUserSessions(ctx, id); err != nil {
				return err
			}
		}
		out = u
		return tx.Audit(ctx, audit.New(a, now, action, userTarget(id), map[string]any{"handle": u.Handle, "changes": changes}))
	})
	return out, err
}

// DeleteUser removes a user with their sessions, tokens and team
// memberships. Admins only. Past incident records keep the name.
func (s *Service) DeleteUser(ctx context.Context, id int64) error {
	a, err := admin(ctx, "delete users")
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx Tx) error {
		u, _, err := tx.UserForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if isActiveAdmin(u) {
			if err := lastAdminGuard(ctx, tx, "delete"); err != nil {
				return err
			}
		}
		if err := tx.DeleteUser(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.New(a, s.clock(), "user.delete", userTarget(id), map[string]any{"handle": u.Handle}))
	})
}

func isActiveAdmin(u User) bool { return u.Level == access.Admin && !u.Disabled }

// lastAdminGuard refuses a change that would leave no enabled admin.
func lastAdminGuard(ctx context.Context, tx Tx, verb string) error {
	n, err := tx.CountActiveAdmins(ctx)
	if err != nil {
		return err
	}
	if n <= 1 {
		return apperr.Conflict("cannot %s the last admin: make another user an admin first", verb)
	}
	return nil
}

// SetPassword changes a user's password. Users changing their own must give
// the current one; admins may set anyone else's without it (which also ends
// that user's sessions).
func (s *Service) SetPassword(ctx context.Context, id int64, current, newPassword string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	self := a.UserID != 0 && a.UserID == id
	if !self && !a.IsAdmin() {
		return apperr.Forbidden("only admins may set other users' passwords")
	}
	if err := ValidatePassword("new_password", newPassword); err != nil {
		return err
	}
	if self {
		oldHash, err := s.st.PasswordHash(ctx, id)
		if err != nil {
			return err
		}
		ok, err := VerifyPassword(oldHash, current)
		if err != nil {
			return apperr.Internal(err)
		}
		if !ok {
			return apperr.Invalid("current_password", "is not your current password")
		}
	}
	hash, err := HashPassword(newPassword)
	if err != nil {
		return apperr.Internal(err)
	}
	return s.st.InTx(ctx, func(tx Tx) error {
		u, _, err := tx.UserForUpdate(ctx, id)
		if err != nil {
			return err
		}
		now := s.clock()
		if err := tx.SetPasswordHash(ctx, id, hash, now); err != nil {
			return err
		}
		if !self {
			if err := tx.DeleteUserSessions(ctx, id); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, audit.New(a, now, "user.password", userTarget(id), map[string]any{"handle": u.Handle}))
	})
}

// GetUser reads one user. Any signed-in actor.
func (s *Service) GetUser(ctx context.Context, id int64) (User, error) {
	if _, err := actor(ctx); err != nil {
		return User{}, err
	}
	return s.st.UserByID(ctx, id)
}

// UserByHandle reads one user by handle. Any signed-in actor.
func (s *Service) UserByHandle(ctx context.Context, handle string) (User, error) {
	if _, err := actor(ctx); err != nil {
		return User{}, err
	}
	h, err := NormalizeHandle(handle)
	if err != nil {
		return User{}, apperr.NotFound("user " + handle)
	}
	return s.st.UserByHandle(ctx, h)
}

// ListUsers lists every user by handle. Any signed-in actor.
func (s *Service) ListUsers(ctx context.Context) ([]User, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	return s.st.ListUsers(ctx)
}

// BootstrapPasswordLen is the length of the first admin's generated password.
const BootstrapPasswordLen = 20

// Bootstrap creates the first admin (handle "admin") when there are no users
// at all, and returns its generated password once; only the hash is stored.
// Otherwise it does nothing and created is false.
func (s *Service) Bootstrap(ctx context.Context) (password string, created bool, err error) {
	// Look before hashing: argon2id costs 64 MiB and ~100 ms, which every
	// later start of an installed node would otherwise pay for nothing.
	var existing int
	if err := s.st.InTx(ctx, func(tx Tx) (err error) {
		existing, err = tx.CountUsers(ctx)
		return err
	}); err != nil || existing > 0 {
		return "", false, err
	}
	pw, err := RandomPassword(BootstrapPasswordLen)
	if err != nil {
		return "", false, apperr.Internal(err)
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return "", false, apperr.Internal(err)
	}
	now := s.clock()
	u := User{Handle: "admin", Name: "Administrator", Email: "admin@localhost", TimeZone: "UTC", Level: access.Admin, CreatedAt: now, UpdatedAt: now}
	err = s.st.InTx(ctx, func(tx Tx) error {
		n, err := tx.CountUsers(ctx)
		if err != nil || n > 0 {
			return err
		}
		id, err := tx.InsertUser(ctx, u, hash)
		if err != nil {
			return err
		}
		created = true
		return tx.Audit(ctx, audit.New(access.System, now, "user.bootstrap", userTarget(id), map[string]any{"handle": u.Handle}))
	})
	if apperr.Is(err, apperr.CodeConflict) {
		return "", false, nil // another node bootstrapped at the same moment
	}
	if err != nil || !created {
		return "", false, err
	}
	return pw, true, nil
}
