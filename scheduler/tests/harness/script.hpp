// A tiny text-script harness for the Agent: timed input lines and expectations over the
// actions they produce (libtorrent/quinn-style scripted tests). Test-only; never in the library.
//
//   config policy=windowed seed=7 high_demand_window=15s ...   (creates the agent at t=0)
//   t=1.000 publish r0/12 size=1500000 dur=4s [avail=+0s]
//   t=1.000 player need=r0/12 deadline=+4s [playhead=0s buffer=0s]
//   t=1.000 connect p1 | disconnect p1 | timeout | wait 5.0 (wake at each next_timeout <= 5.0)
//   t=1.000 recv p1 have r0/12 | map r0/10 bits=1101 | request id=5 r0/12 | reject id=@r0/12
//           | cancel id=5 | choke | unchoke | hello | raw 01ff...
//   t=1.000 done http|p2p r0/12 ok|fail|cancel  ·  done upload p1 r0/12 ok  ·  integrity r0/12
//   pass|fail expect [no] http_fetch r0/12 | request p1 r0/12 | deliver r0/12 | drop p1 | cancel
//   r0/12
//          | upload p1 r0/12 | reject p1 | have p1 r0/12 | evict r0/12 | request_peers |
//          any_request r0/12
//   expect stat <name> <op> <value>     (op: == >= <=)
//   expect count <action-prefix> <op> <n>   (actions whose description starts with the prefix)
//   expect timeout <= 5.0 | expect status <errc-name>  (last recv's Status)
// Actions are collected from the inputs since the last expectation block.
#pragma once
#include <string>
#include <string_view>

namespace p2pcdn::sched::test {

struct ScriptOutcome {
  bool ok = true;
  std::string message;  // "line N: ..." on failure, with the actions seen
};

ScriptOutcome run_script(std::string_view text);

}  // namespace p2pcdn::sched::test
