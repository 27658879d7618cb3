#pragma once

// Kept for the tests that include it: the translations of every language are in apptranslation.h.
#include "apptranslation.h"
