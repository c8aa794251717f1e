#pragma once
// Every process a solution starts dies with it, not only its process group: a
// solution may setsid() out of the group, or fork a child that keeps fd 4 open
// and outlives it. The harness makes itself a child subreaper
// (PR_SET_CHILD_SUBREAPER), so an orphaned descendant is re-parented to the
// harness instead of to init; when a solution stops, kill_orphans() SIGKILLs
// and reaps every child of the harness that is not a running solution, round
// after round: when a victim dies, its own children become the harness's and
// are found by the next round, until a round finds none.
//
// SIGINT and SIGTERM of the harness (Ctrl-C, a CI runner's cancel) first kill
// every running solution and all those orphans, then end the harness as the
// signal would have; the solution itself also gets PR_SET_PDEATHSIG(SIGKILL)
// (checks/solution_process.cpp) for the harness's SIGKILL.
//
// One harness, one process tree: the harness starts no other children, so a
// child that is not a running solution is an orphan of one. (Two solutions
// running at once would see each other's orphans killed early.)
//
//   w2v::adopt_orphans();            // once, before starting solutions
//   w2v::track_solution(pid);        // a running solution: spared, killed on SIGINT
//   w2v::untrack_solution(pid);      // after reaping it
//   w2v::kill_orphans();             // after a solution stopped
#include <sys/types.h>

#include <cstddef>

namespace w2v {

// Makes this process a child subreaper and installs the SIGINT/SIGTERM
// handlers (where the handler is still the default one). Idempotent.
void adopt_orphans();

// Registers a running solution (the pid leads its process group). Throws
// std::runtime_error if more than kMaxTrackedSolutions run at once.
inline constexpr std::size_t kMaxTrackedSolutions = 64;
void track_solution(pid_t pid);
void untrack_solution(pid_t pid);

// SIGKILLs and reaps every child of this process that is not a tracked
// solution, and every child those leave behind. Returns how many it killed.
// Async-signal-safe (raw syscalls, no allocation), as the signal handler uses it.
std::size_t kill_orphans();

// How many tasks (processes and threads: what RLIMIT_NPROC counts) the real
// user of this process has now.
std::size_t tasks_of_real_user();

}  // namespace w2v
