/* check_main.c - the main of every unit-test binary: each tests/test_*.c
 * defines test_suite() and gets its own process, so one module's crash
 * cannot hide another's results. */
#include <stdlib.h>
#include <check.h>

Suite *test_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(test_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
