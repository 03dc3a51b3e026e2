package app

import "github.com/firebreak-hq/firebreak/internal/oncall"

// buildOnCall wires the on-call schedules service: who is on call, for
// paging, handoff notices, the API, the UI and calendar feeds.
func (a *App) buildOnCall() {
	a.OnCall = oncall.NewService(a.Store.OnCall(), a.Now)
}
