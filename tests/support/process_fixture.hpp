#pragma once
// Boost.Test global fixture applying checks/process_setup.hpp to a test
// module. Include once per test module that runs many checks.
#include <boost/test/unit_test.hpp>

#include "checks/process_setup.hpp"

struct ConfiguredProcess {
  ConfiguredProcess() { w2v::configure_process_for_checks(); }
};
BOOST_TEST_GLOBAL_FIXTURE(ConfiguredProcess);
