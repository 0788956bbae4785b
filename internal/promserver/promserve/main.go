// Command promserve serves a Prometheus data directory with Prometheus's
// own query API and remote-read handlers (package promserver), so that
// `rulecheck backtest --remote-read` and `--query-api` can be tried and
// measured without a Prometheus server:
//
//	go run ./internal/promserver/promserve -tsdb DIR [-listen 127.0.0.1:9090]
//
// It opens the directory read-write, as a server does: give it a copy.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/codevaldcortex/rulecheck/internal/promserver"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, wait))
}

func wait() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	<-c
}

func run(args []string, stdout, stderr io.Writer, wait func()) int {
	fs := flag.NewFlagSet("promserve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("tsdb", "", "the Prometheus data directory to serve (opened read-write)")
	listen := fs.String("listen", "127.0.0.1:9090", "address to listen on")
	webConfig := fs.String("web.config.file", "", "serve with this web configuration (basic_auth_users, tls_server_config), as Prometheus's flag of that name")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "promserve: usage: promserve -tsdb DIR [-listen ADDR] [-web.config.file FILE]")
		return 2
	}
	s, err := promserver.Start(*dir, promserver.Options{Listen: *listen, WebConfigFile: *webConfig})
	if err != nil {
		fmt.Fprintf(stderr, "promserve: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "query API %s, remote read %s\n", s.URL, s.ReadURL)
	wait()
	if err := s.Close(); err != nil {
		fmt.Fprintf(stderr, "promserve: %v\n", err)
		return 1
	}
	return 0
}
