#!/usr/bin/env bash
# Render the prompt clips of ivrsim menus with espeak-ng and sox.
#
# The list of clips comes from ivrsim itself: `ivrsim prompts MENU` prints one
# line per clip, tab-separated:
#
#     <wav path, relative to the current directory> <language tag> <prompt text>
#
# Each clip is spoken by espeak-ng at 150 words per minute (the rate ivrsim
# assumes for text-only prompts) and converted by sox to telephony format:
# mono, 16-bit signed PCM, 8000 Hz (sox -G lowers the gain where resampling
# would clip, -R makes the output repeatable, byte for byte). Files are
# written atomically (temporary file in the same folder, then mv).
#
# Only what changed is rendered again: every audio folder keeps a manifest,
# `.rendered`, of `file<TAB>sha256<TAB>text` lines, the hash covering voice,
# rate, output format and text. `ivrsim check` reads the text column to warn
# (W013) when a prompt's text has changed since its clip was rendered. A clip whose hash matches and whose file exists is
# skipped. --force renders everything.
#
# The script works from the repository root (the folder above scripts/), so
# the paths that ivrsim prints are relative to it.

set -euo pipefail

readonly RATE=150
readonly SAMPLE_RATE=8000
readonly FORMAT="wav ${SAMPLE_RATE}Hz mono s16 guard"
readonly MANIFEST=.rendered

usage() {
    cat <<EOF
Usage: ${0##*/} [--force] [--dry-run] [--from-tsv FILE] [MENU.yaml ...]

Render the prompt clips of the given menus (default: menus/*.yaml) with
espeak-ng and sox, skipping clips whose text and voice have not changed.

Options:
  -f, --force          render every clip, even unchanged ones
  -t, --from-tsv FILE  read the clip list from FILE ('-' for standard input)
                       instead of running 'ivrsim prompts MENU'; the TSV lines
                       are <wav path> <language> <text>, paths relative to the
                       repository root. May be given more than once.
  -n, --dry-run        only print what would be rendered
  -h, --help           show this help

Environment:
  IVRSIM   command that runs ivrsim (default: "cargo run --quiet --release --")
EOF
}

die() {
    printf '%s: error: %s\n' "${0##*/}" "$*" >&2
    exit 1
}

# espeak-ng voice for a language tag.
voice_for() {
    case "$1" in
        en) printf 'en-us' ;;
        es) printf 'es' ;;
        *) printf '%s' "$1" ;;
    esac
}

clip_hash() { # voice text
    printf '%s\t%s\t%s\t%s' "$1" "$RATE" "$FORMAT" "$2" | sha256sum | cut -d' ' -f1
}

force=0
dry_run=0
tsv_files=()
menus=()
while (($#)); do
    case "$1" in
        -f | --force) force=1 ;;
        -n | --dry-run) dry_run=1 ;;
        -t | --from-tsv)
            (($# >= 2)) || die "$1 needs a file"
            tsv_files+=("$2")
            shift
            ;;
        --from-tsv=*) tsv_files+=("${1#*=}") ;;
        -h | --help)
            usage
            exit 0
            ;;
        --)
            shift
            menus+=("$@")
            break
            ;;
        -*) die "unknown option: $1 (see --help)" ;;
        *) menus+=("$1") ;;
    esac
    shift
done

missing=()
for tool in espeak-ng sox; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
    die "not found: ${missing[*]}; install with: apt-get install espeak-ng sox"
fi

# Resolve the user's paths before moving to the repository root.
for i in "${!tsv_files[@]}"; do
    [[ ${tsv_files[i]} == - ]] || tsv_files[i]=$(realpath -e -- "${tsv_files[i]}") ||
        die "no such file: ${tsv_files[i]}"
done
for i in "${!menus[@]}"; do
    menus[i]=$(realpath -e -- "${menus[i]}") || die "no such menu: ${menus[i]}"
done

root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd -- "$root"

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
list=$work/clips.tsv
: >"$list"

if ((${#tsv_files[@]})); then
    for f in "${tsv_files[@]}"; do
        if [[ $f == - ]]; then cat >>"$list"; else cat -- "$f" >>"$list"; fi
    done
else
    if ((${#menus[@]} == 0)); then
        shopt -s nullglob
        menus=(menus/*.yaml)
        shopt -u nullglob
        ((${#menus[@]})) || die "no menus given and none in $root/menus"
    fi
    read -r -a ivrsim <<<"${IVRSIM:-cargo run --quiet --release --}"
    for menu in "${menus[@]}"; do
        "${ivrsim[@]}" prompts "$menu" >>"$list" ||
            die "'${ivrsim[*]} prompts $menu' failed"
    done
fi

# Old manifests, loaded on first use: key "dir/file" -> hash.
# The text column is kept beside the hash: key "dir/file" -> text.
declare -A old_hash=() new_hash=() old_text=() new_text=() dir_loaded=() seen=()
load_manifest() { # dir
    local dir=$1 file hash text
    [[ -n ${dir_loaded[$dir]:-} ]] && return 0
    dir_loaded[$dir]=1
    [[ -f $dir/$MANIFEST ]] || return 0
    while IFS=$'\t' read -r file hash text; do
        [[ -n $file && -n $hash ]] || continue
        old_hash[$dir/$file]=$hash
        old_text[$dir/$file]=${text:-}
    done <"$dir/$MANIFEST"
}

rendered=0 skipped=0 failed=0 would=0 lineno=0
while IFS= read -r line || [[ -n $line ]]; do
    lineno=$((lineno + 1))
    line=${line%$'\r'}
    [[ -n $line ]] || continue
    IFS=$'\t' read -r path lang text <<<"$line"
    if [[ -z ${path:-} || -z ${lang:-} || -z ${text:-} || $path != *.wav ]]; then
        printf 'error: clip list line %d is not <file.wav> TAB <language> TAB <text>: %s\n' \
            "$lineno" "$line" >&2
        failed=$((failed + 1))
        continue
    fi

    dir=$(realpath -m --relative-to=. -- "$(dirname -- "$path")")
    file=$(basename -- "$path")
    key=$dir/$file
    voice=$(voice_for "$lang")
    hash=$(clip_hash "$voice" "$text")

    if [[ -n ${seen[$key]:-} ]]; then
        if [[ ${seen[$key]} != "$hash" ]]; then
            printf 'error: %s is listed twice with different text or language\n' "$key" >&2
            failed=$((failed + 1))
        fi
        continue
    fi
    seen[$key]=$hash
    load_manifest "$dir"

    if ((!force)) && [[ ${old_hash[$key]:-} == "$hash" && -f $key ]]; then
        printf 'skip    %s\n' "$key"
        new_hash[$key]=$hash
        new_text[$key]=$text
        skipped=$((skipped + 1))
        continue
    fi
    if ((dry_run)); then
        printf 'would render %s [%s] %s\n' "$key" "$voice" "$text"
        would=$((would + 1))
        continue
    fi

    mkdir -p -- "$dir"
    raw=$work/speech.wav
    tmp=$(mktemp -- "$dir/.$file.XXXXXX")
    if espeak-ng -v "$voice" -s "$RATE" -w "$raw" -- "$text" &&
        sox -R -G "$raw" -t wav -r "$SAMPLE_RATE" -c 1 -b 16 -e signed-integer "$tmp" &&
        chmod 644 -- "$tmp" &&
        mv -f -- "$tmp" "$key"; then
        printf 'render  %s [%s]\n' "$key" "$voice"
        new_hash[$key]=$hash
        new_text[$key]=$text
        rendered=$((rendered + 1))
    else
        rm -f -- "$tmp"
        printf 'error: could not render %s [%s]\n' "$key" "$voice" >&2
        failed=$((failed + 1))
    fi
done <"$list"

# Rewrite each touched manifest atomically: this run's clips, plus the entries
# of other clips (another menu sharing the folder) whose files still exist.
if ((!dry_run)); then
    for dir in "${!dir_loaded[@]}"; do
        [[ -d $dir ]] || continue
        declare -A entries=()
        for key in "${!old_hash[@]}"; do
            [[ ${key%/*} == "$dir" && -f $key && -z ${seen[$key]:-} ]] &&
                entries[${key##*/}]=${old_hash[$key]}$'\t'${old_text[$key]:-}
        done
        for key in "${!new_hash[@]}"; do
            [[ ${key%/*} == "$dir" ]] && entries[${key##*/}]=${new_hash[$key]}$'\t'${new_text[$key]}
        done
        tmp=$(mktemp -- "$dir/$MANIFEST.XXXXXX")
        for file in "${!entries[@]}"; do
            printf '%s\t%s\n' "$file" "${entries[$file]}"
        done | LC_ALL=C sort >"$tmp"
        chmod 644 -- "$tmp"
        mv -f -- "$tmp" "$dir/$MANIFEST"
        unset entries
    done
fi

if ((dry_run)); then
    printf '%d would be rendered, %d up to date, %d failed\n' "$would" "$skipped" "$failed"
else
    printf '%d rendered, %d skipped, %d failed\n' "$rendered" "$skipped" "$failed"
fi
((failed == 0))
