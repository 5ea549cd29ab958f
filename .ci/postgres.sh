# Sourced by .ci/run (bash): a throwaway PostgreSQL cluster for the workspace tests (a real server).
# Starts it in a temporary folder on a Unix socket only (no TCP port opened), creates the
# database, exports LICENSECHECK_TEST_DATABASE_URL and stops and deletes the cluster on exit.
# As root the server runs as the postgres user (PostgreSQL refuses to run as root).
start_test_postgres() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    pg_dir=$(mktemp -d)
    local as=()
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$pg_dir"
        as=(runuser -u postgres --)
    fi
    local superuser
    superuser=$(if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi)
    "${as[@]}" "$bin/initdb" -D "$pg_dir/data" -U "$superuser" -A trust --no-sync >/dev/null
    "${as[@]}" "$bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" \
        -o "-k $pg_dir -c listen_addresses='' -p 5433 -c fsync=off" -w start >/dev/null
    trap 'stop_test_postgres' EXIT
    "${as[@]}" "$bin/createdb" -h "$pg_dir" -p 5433 -U "$superuser" licensecheck_test
    export LICENSECHECK_TEST_DATABASE_URL="postgresql+psycopg://$superuser@/licensecheck_test?host=$pg_dir&port=5433"
    pg_as=("${as[@]}")
    pg_bin=$bin
}

stop_test_postgres() {
    "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
}
