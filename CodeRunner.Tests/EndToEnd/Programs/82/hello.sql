select 'hello ' || 'world';
