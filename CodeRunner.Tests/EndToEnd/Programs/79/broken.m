#import <Foundation/Foundation.h>

int main(void) { NSString *s = undeclared; return 0; }
