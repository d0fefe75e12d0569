#include <stdio.h>
int main(void) {
    char s[64];
    if (scanf("%63s", s) != 1) return 1;
    printf("hello %s\n", s);
    return 0;
}
