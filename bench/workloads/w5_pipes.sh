# W5: a shell loop; run as: sh -c "$(cat w5_pipes.sh)" w5 ITERATIONS
# Every iteration forks a subshell for echo and execs cat and wc.
n=${1:-200}
i=0
while [ "$i" -lt "$n" ]; do
	echo x | cat | wc -l
	i=$((i + 1))
done
