/* Helpers shared by the Criterion tests (filled in with the integration tests). */
#ifndef PT_TEST_SUPPORT_H
#define PT_TEST_SUPPORT_H
#endif
