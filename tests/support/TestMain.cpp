// The single Boost.Test main shared by every test executable.
#define BOOST_TEST_MODULE mailrig
#include <boost/test/unit_test.hpp>
