#!/usr/bin/env bash
# Starts a single-node Apache Kafka (KRaft: broker and controller in one JVM) on 127.0.0.1 for the
# integration tests, waits until it answers metadata requests, and prints its address.
#   test/kafka/start.sh [run-dir]      run-dir defaults to test/kafka/.run
# The run dir keeps the ports, data and log, so stop.sh + start.sh restarts the same broker with its
# topics and committed offsets (the outage test relies on that). The jars come from Maven Central
# once and are cached in $FAXENGINE_KAFKA_CACHE (default ~/.cache/faxengine-kafka), reused by every run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
run_dir=${1:-$here/.run}
mkdir -p "$run_dir"
run_dir=$(cd "$run_dir" && pwd)

version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
libs=${FAXENGINE_KAFKA_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/faxengine-kafka}/$version/libs

if [ -f "$run_dir/kafka.pid" ] && kill -0 "$(cat "$run_dir/kafka.pid")" 2>/dev/null; then
  cat "$run_dir/address"
  exit 0
fi

if [ ! -f "$libs/.complete" ]; then
  echo "kafka: fetching Apache Kafka $version from Maven Central into $libs" >&2
  rm -rf "$libs.partial"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$libs.partial" >&2
  rm -rf "$libs" && mv "$libs.partial" "$libs" && touch "$libs/.complete"
fi

java_opts=(-Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true
  "-Dlog4j.configuration=file:$run_dir/log4j.properties" -cp "$libs/*")

if [ ! -f "$run_dir/server.properties" ]; then
  # Two free loopback ports, chosen once and kept for restarts (clients reconnect to the same address).
  read -r broker_port controller_port < <(node -e '
    const net = require("net");
    const free = () => new Promise((ok) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); }); });
    Promise.all([free(), free()]).then((ports) => console.log(ports.join(" ")));')
  cat > "$run_dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$broker_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$broker_port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$run_dir/data
# Topics are created by faxengine (or the tests) on purpose; a typo must not create one.
auto.create.topics.enable=false
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
group.initial.rebalance.delay.ms=0
# Small and short-lived: a test broker never needs more than a few MiB per partition.
log.segment.bytes=4194304
log.retention.bytes=33554432
log.retention.hours=2
log.retention.check.interval.ms=60000
num.network.threads=2
num.io.threads=2
PROPS
  cat > "$run_dir/log4j.properties" <<PROPS
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$run_dir/kafka.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.request.logger=WARN
PROPS
  echo "127.0.0.1:$broker_port" > "$run_dir/address"
fi
address=$(cat "$run_dir/address")

if [ ! -f "$run_dir/data/meta.properties" ]; then
  cluster_id=$(java "${java_opts[@]}" kafka.tools.StorageTool random-uuid)
  java "${java_opts[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$run_dir/server.properties" >&2
fi

# setsid: the broker outlives the shell (and the test run) that started it, until stop.sh.
setsid java "${java_opts[@]}" kafka.Kafka "$run_dir/server.properties" >>"$run_dir/kafka.out" 2>&1 < /dev/null &
echo $! > "$run_dir/kafka.pid"

answers() {
  if command -v kcat >/dev/null; then
    kcat -L -b "$address" -m 2 2>/dev/null | grep -q ' 1 brokers:'
  else
    (exec 3<>"/dev/tcp/${address%:*}/${address##*:}") 2>/dev/null
  fi
}
for _ in $(seq 1 240); do
  if answers; then
    echo "$address"
    exit 0
  fi
  if ! kill -0 "$(cat "$run_dir/kafka.pid")" 2>/dev/null; then
    echo "kafka: the broker exited; last lines of $run_dir/kafka.log:" >&2
    tail -n 30 "$run_dir/kafka.log" "$run_dir/kafka.out" >&2 || true
    exit 1
  fi
  sleep 0.25
done
echo "kafka: the broker did not answer on $address within 60 s; see $run_dir/kafka.log" >&2
exit 1
