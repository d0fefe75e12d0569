#import <Foundation/Foundation.h>
#include <stdio.h>

int main(void) {
    @autoreleasepool {
        char s[64];
        if (scanf("%63s", s) != 1) return 1;
        NSString *name = [NSString stringWithUTF8String:s];
        printf("hello %s\n", [name UTF8String]);
    }
    return 0;
}
