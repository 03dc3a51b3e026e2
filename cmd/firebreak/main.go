// Command firebreak is the whole product: `firebreak serve` runs the server,
// every other command is the client of a running server's API.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/firebreak-hq/firebreak/internal/app"
	"github.com/firebreak-hq/firebreak/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv, app.ServeCommand)
	stop()
	os.Exit(code)
}
