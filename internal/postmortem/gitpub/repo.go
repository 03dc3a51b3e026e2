// Package gitpub is Git-based review of postmortems: the document is
// written as Markdown with YAML front matter to postmortems/<year>/
// INC-<n>-<slug>.md on a branch of a configured repository, pushed, and
// offered as a pull request through the forge (internal/forge); when the
// branch reaches the main branch (a forge merge, or simply a push to main on
// a plain repository) the postmortem is published with that commit. Every
// git operation runs in a job; all of them are idempotent.
package gitpub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// Repo is the configured repository, through a local clone kept under the
// data directory (one per remote URL) so that each job fetches only what
// changed.
type Repo struct {
	URL         string // the remote: https://…, ssh://…, git@host:owner/repo.git, or a path on disk
	Main        string // the main branch; default "main"
	Auth        transport.AuthMethod
	AuthorName  string
	AuthorEmail string
	CacheDir    string // where the clones are kept

	mu sync.Mutex // one git operation at a time per node: they share the clone
}

// Pushed is the result of writing a file on a branch.
type Pushed struct {
	Branch string
	Path   string
	Commit string // the branch's head
	Blob   string // the file's blob hash: how a squash merge is recognised
}

func (r *Repo) main() string {
	if r.Main == "" {
		return "main"
	}
	return r.Main
}

// open returns the cached clone, creating it, and fetches the remote.
func (r *Repo) open(ctx context.Context) (*git.Repository, error) {
	sum := sha256.Sum256([]byte(r.URL))
	dir := filepath.Join(r.CacheDir, hex.EncodeToString(sum[:8]))
	repo, err := git.PlainOpen(dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		repo, err = git.PlainInit(dir, false)
		if err == nil {
			_, err = repo.CreateRemote(&gitconfig.RemoteConfig{Name: "origin", URLs: []string{r.URL}})
		}
	}
	if err != nil {
		return nil, fmt.Errorf("git cache %s: %w", dir, err)
	}
	err = repo.FetchContext(ctx, &git.FetchOptions{RemoteName: "origin", Auth: r.Auth, Force: true, Prune: true,
		RefSpecs: []gitconfig.RefSpec{"+refs/heads/*:refs/remotes/origin/*"}})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) && !errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return nil, fmt.Errorf("git fetch %s: %w", r.URL, err)
	}
	return repo, nil
}

// remoteHead is the hash of origin's branch, or the zero hash.
func remoteHead(repo *git.Repository, branch string) plumbing.Hash {
	ref, err := repo.Reference(plumbing.NewRemoteReferenceName("origin", branch), true)
	if err != nil {
		return plumbing.ZeroHash
	}
	return ref.Hash()
}

// Write puts content at path on branch, which starts from the main branch,
// commits it as of at (so a retried job makes the very same commit) and
// force-pushes the branch: the branch is Firebreak's, and a retry must win.
func (r *Repo) Write(ctx context.Context, branch, path string, content []byte, message string, at time.Time) (Pushed, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	repo, err := r.open(ctx)
	if err != nil {
		return Pushed{}, err
	}
	wt, err := repo.Worktree()
	if err != nil {
		return Pushed{}, err
	}
	local := plumbing.NewBranchReferenceName(branch)
	_ = repo.Storer.RemoveReference(local)
	if base := remoteHead(repo, r.main()); !base.IsZero() {
		err = wt.Checkout(&git.CheckoutOptions{Hash: base, Branch: local, Create: true, Force: true})
	} else {
		// An empty repository: the branch starts the history.
		err = repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, local))
		if err == nil {
			err = wt.Reset(&git.ResetOptions{Mode: git.HardReset})
			if errors.Is(err, plumbing.ErrReferenceNotFound) {
				err = nil
			}
		}
	}
	if err != nil {
		return Pushed{}, fmt.Errorf("git checkout %s: %w", branch, err)
	}
	full := filepath.Join(wt.Filesystem.Root(), filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return Pushed{}, err
	}
	if err := os.WriteFile(full, content, 0o644); err != nil {
		return Pushed{}, err
	}
	if _, err := wt.Add(path); err != nil {
		return Pushed{}, fmt.Errorf("git add: %w", err)
	}
	sig := &object.Signature{Name: r.AuthorName, Email: r.AuthorEmail, When: at.UTC().Truncate(time.Second)}
	if sig.Name == "" {
		sig.Name = "Firebreak"
	}
	if sig.Email == "" {
		sig.Email = "firebreak@localhost"
	}
	head, err := wt.Commit(message, &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
	if err != nil {
		return Pushed{}, fmt.Errorf("git commit: %w", err)
	}
	spec := gitconfig.RefSpec("+" + local.String() + ":" + local.String())
	err = repo.PushContext(ctx, &git.PushOptions{RemoteName: "origin", Auth: r.Auth, RefSpecs: []gitconfig.RefSpec{spec}})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return Pushed{}, fmt.Errorf("git push %s: %w", branch, err)
	}
	blob, err := blobAt(repo, head, path)
	if err != nil {
		return Pushed{}, err
	}
	return Pushed{Branch: branch, Path: path, Commit: head.String(), Blob: blob.String()}, nil
}

// blobAt is the hash of the file at path in commit, or the zero hash when
// the commit has no such file.
func blobAt(repo *git.Repository, commit plumbing.Hash, path string) (plumbing.Hash, error) {
	c, err := repo.CommitObject(commit)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	f, err := c.File(path)
	if errors.Is(err, object.ErrFileNotFound) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return f.Hash, nil
}

// maxWalk bounds how far back the main branch is searched for a merge.
const maxWalk = 1000

// Landed looks for p on the main branch and returns the commit by which it
// got there: the branch head itself (a fast-forward, or a push of the branch
// to main), a merge commit with the branch head (as it was when submitted,
// or as it is now after review edits) as a parent, or the first commit
// whose file has the submitted content (a squash or rebase merge). ok is
// false when it has not landed yet.
func (r *Repo) Landed(ctx context.Context, p Pushed) (commit string, ok bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	repo, err := r.open(ctx)
	if err != nil {
		return "", false, err
	}
	heads := map[plumbing.Hash]bool{plumbing.NewHash(p.Commit): true}
	if h := remoteHead(repo, p.Branch); !h.IsZero() {
		heads[h] = true
	}
	want := plumbing.NewHash(p.Blob)
	at := remoteHead(repo, r.main())
	var found plumbing.Hash
	for i := 0; i < maxWalk && !at.IsZero(); i++ {
		c, err := repo.CommitObject(at)
		if err != nil {
			return "", false, err
		}
		if heads[c.Hash] {
			return c.Hash.String(), true, nil
		}
		for _, parent := range c.ParentHashes {
			if heads[parent] {
				return c.Hash.String(), true, nil
			}
		}
		blob, err := blobAt(repo, c.Hash, p.Path)
		if err != nil {
			return "", false, err
		}
		if blob == want {
			found = c.Hash // keep walking: the oldest of the run is where it landed
		} else if !found.IsZero() {
			return found.String(), true, nil
		}
		if len(c.ParentHashes) == 0 {
			break
		}
		at = c.ParentHashes[0]
	}
	if !found.IsZero() {
		return found.String(), true, nil
	}
	return "", false, nil
}
