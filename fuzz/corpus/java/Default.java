class Default { Default() {} static { init(); } }
