package com.example;

class Bom {
    int one() { return 1; }
}
